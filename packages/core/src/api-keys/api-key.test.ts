import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  API_KEY_LENGTH,
  API_KEY_PATTERN,
  formatApiKey,
  generateApiKey,
  looksLikeApiKey,
  parseApiKey,
  type ApiKeyParseResult,
} from './api-key';
import { BASE62_ALPHABET } from './base62';
import { hashApiKey } from './digest';

/** Vectors computed independently (Python: zlib.crc32 and int.from_bytes over the same alphabet). */
const ZERO_KEY = 'ahk_00000000000000000000000000000000026BYXP';
const COUNTING_KEY = 'ahk_000A7dl5PEW67zZCpFU9uKaHnGgOvQKAR2eahrm';
const MAX_KEY = 'ahk_2lFA6LboL2xx0ldQH2K1TdSrwuqMMiME31Zs9bW';

function reasonOf(result: ApiKeyParseResult): string {
  return result.ok ? 'ok' : result.reason;
}

function replaceAt(text: string, index: number, char: string): string {
  return text.slice(0, index) + char + text.slice(index + 1);
}

describe('formatApiKey (fixed vectors)', () => {
  it('formats 24 zero bytes as a padded body and its CRC32 checksum', () => {
    expect(formatApiKey(new Uint8Array(24))).toBe(ZERO_KEY);
  });

  it('formats bytes 0x00..0x17', () => {
    expect(formatApiKey(Uint8Array.from({ length: 24 }, (_, i) => i))).toBe(COUNTING_KEY);
  });

  it('formats the largest body (2^192 - 1) within the fixed width', () => {
    expect(formatApiKey(new Uint8Array(24).fill(0xff))).toBe(MAX_KEY);
  });

  it('refuses entropy that is not exactly 24 bytes', () => {
    expect(() => formatApiKey(new Uint8Array(23))).toThrow(RangeError);
    expect(() => formatApiKey(new Uint8Array(25))).toThrow(RangeError);
  });
});

describe('generateApiKey', () => {
  it('returns the secret, its display prefix, last four characters and SHA-256', () => {
    const key = generateApiKey();
    expect(key.secret).toMatch(/^ahk_[0-9A-Za-z]{39}$/);
    expect(key.secret).toHaveLength(43);
    expect(API_KEY_LENGTH).toBe(43);
    expect(key.prefix).toBe(key.secret.slice(0, 12));
    expect(key.prefix.startsWith('ahk_')).toBe(true);
    expect(key.last4).toBe(key.secret.slice(39));
    expect(key.hash).toBe(hashApiKey(key.secret));
    expect(key.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('makes 10,000 distinct keys that all parse back to the same parts', () => {
    const secrets = new Set<string>();
    const prefixes = new Set<string>();
    for (let i = 0; i < 10_000; i += 1) {
      const key = generateApiKey();
      secrets.add(key.secret);
      prefixes.add(key.prefix);
      const parsed = parseApiKey(key.secret);
      if (!parsed.ok) throw new Error(`generated key rejected: ${parsed.reason}`);
      expect(parsed.key).toEqual(key);
    }
    expect(secrets.size).toBe(10_000);
    // 8 body characters carry ~43 bits: collisions among 10,000 prefixes are vanishingly unlikely.
    expect(prefixes.size).toBe(10_000);
  });
});

describe('parseApiKey', () => {
  it('accepts the fixed vectors with their parts', () => {
    expect(parseApiKey(ZERO_KEY)).toEqual({
      ok: true,
      key: {
        secret: ZERO_KEY,
        prefix: 'ahk_00000000',
        last4: 'BYXP',
        hash: 'ef7227891f29da30f64f8f928cba8166613877e7627f371724ae2494d34ab02a',
      },
    });
    expect(reasonOf(parseApiKey(COUNTING_KEY))).toBe('ok');
    expect(reasonOf(parseApiKey(MAX_KEY))).toBe('ok');
  });

  it('accepts any 24 bytes formatted as a key', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 24, maxLength: 24 }), (bytes) => {
        expect(reasonOf(parseApiKey(formatApiKey(bytes)))).toBe('ok');
      }),
    );
  });

  it('rejects any single-character change of body or checksum by the checksum', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 24, maxLength: 24 }),
        fc.integer({ min: 4, max: 42 }),
        fc.constantFrom(...BASE62_ALPHABET),
        (bytes, index, char) => {
          const secret = formatApiKey(bytes);
          fc.pre(secret[index] !== char);
          expect(reasonOf(parseApiKey(replaceAt(secret, index, char)))).toBe('bad_checksum');
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('rejects every single-character change of the fixed vector, position by position', () => {
    for (let index = 4; index < ZERO_KEY.length; index += 1) {
      for (const char of BASE62_ALPHABET) {
        if (ZERO_KEY[index] === char) continue;
        expect(reasonOf(parseApiKey(replaceAt(ZERO_KEY, index, char)))).toBe('bad_checksum');
      }
    }
  });

  it('rejects a wrong prefix before anything else', () => {
    expect(reasonOf(parseApiKey(`AHK_${ZERO_KEY.slice(4)}`))).toBe('wrong_prefix');
    expect(reasonOf(parseApiKey(`ahk-${ZERO_KEY.slice(4)}`))).toBe('wrong_prefix');
    expect(reasonOf(parseApiKey(`sk-${ZERO_KEY.slice(3)}`))).toBe('wrong_prefix');
    expect(reasonOf(parseApiKey(` ${ZERO_KEY}`))).toBe('wrong_prefix');
    expect(reasonOf(parseApiKey(''))).toBe('wrong_prefix');
  });

  it('rejects a wrong length', () => {
    expect(reasonOf(parseApiKey('ahk_'))).toBe('wrong_length');
    expect(reasonOf(parseApiKey(ZERO_KEY.slice(0, -1)))).toBe('wrong_length');
    expect(reasonOf(parseApiKey(`${ZERO_KEY}0`))).toBe('wrong_length');
    expect(reasonOf(parseApiKey(`${ZERO_KEY}\n`))).toBe('wrong_length');
    expect(reasonOf(parseApiKey(`ahk_${'0'.repeat(10_000)}`))).toBe('wrong_length');
  });

  it('rejects characters outside base62', () => {
    for (const char of ['-', '_', '+', '/', '=', ' ', '\n', '\0', 'é', 'Ａ']) {
      expect(reasonOf(parseApiKey(replaceAt(ZERO_KEY, 20, char)))).toBe('bad_alphabet');
    }
    // A changed prefix is caught as a prefix, a character outside base62 in the checksum as alphabet.
    expect(reasonOf(parseApiKey(replaceAt(ZERO_KEY, 42, '!')))).toBe('bad_alphabet');
  });
});

describe('API_KEY_PATTERN and looksLikeApiKey', () => {
  it('finds a key inside text and is not stateful between calls', () => {
    const text = `upstream said: invalid token Bearer ${COUNTING_KEY}, retrying`;
    expect(API_KEY_PATTERN.flags).not.toContain('g');
    expect(API_KEY_PATTERN.test(text)).toBe(true);
    expect(API_KEY_PATTERN.test(text)).toBe(true);
    expect(text.match(API_KEY_PATTERN)?.[0]).toBe(COUNTING_KEY);
    const redacted = text.replace(new RegExp(API_KEY_PATTERN.source, 'g'), '[redacted]');
    expect(redacted).toBe('upstream said: invalid token Bearer [redacted], retrying');
  });

  it('does not match other tokens or truncated keys', () => {
    expect(API_KEY_PATTERN.test('sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ')).toBe(false);
    expect(API_KEY_PATTERN.test(ZERO_KEY.slice(0, 30))).toBe(false);
  });

  it('tells whether a whole string has the shape of a key, checksum aside', () => {
    expect(looksLikeApiKey(ZERO_KEY)).toBe(true);
    expect(looksLikeApiKey(replaceAt(ZERO_KEY, 10, 'Z'))).toBe(true);
    expect(looksLikeApiKey(`${ZERO_KEY} `)).toBe(false);
    expect(looksLikeApiKey(`x${ZERO_KEY}`)).toBe(false);
    expect(looksLikeApiKey(ZERO_KEY.slice(0, -1))).toBe(false);
  });
});
