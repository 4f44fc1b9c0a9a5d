import { decrypt as sdkDecrypt, encrypt as sdkEncrypt } from '@blocklet/sdk/lib/security/index.js';
import { describe, expect, it } from 'vitest';
import { ConfigError, DecryptionError } from '../errors';
import { decryptBlockletLegacy, isBlockletLegacyCiphertext } from './blocklet-legacy';

// The shape Blocklet Server gives BLOCKLET_APP_EK: a 0x-prefixed hex wallet secret key.
const EK = `0x${Buffer.from(Array.from({ length: 64 }, (_, i) => i)).toString('hex')}`;
const DID = 'z8iZpog7mcgcgBZzTiXJCWesvmzVDMRJvGXRX';

/**
 * Written once by the real `@blocklet/sdk` 1.17.12 `security.encrypt(plaintext, EK, DID)` and checked
 * independently with `openssl enc -d -aes-256-cbc -md md5 -a -pass pass:<hex PBKDF2 output>`.
 */
const FIXED = {
  ciphertext: 'U2FsdGVkX1/IqoECskSxXUkb4LHyzbr9BeNShqfbV4fbcvuPjCrgyIkGebk9h8iz',
  plaintext: 'sk-legacy-Ünïcødé-🔑',
};
/** A wrong EK for which crypto-js's own decrypt of FIXED returns the garbage "T" instead of failing. */
const EK_CRYPTOJS_ACCEPTS = `0x${(366).toString(16).padStart(128, '0')}`;
/** A wrong EK for which crypto-js's own decrypt of FIXED returns "" instead of failing. */
const EK_CRYPTOJS_EMPTY = `0x${'1'.padStart(128, '0')}`;

function legacyReason(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DecryptionError) return error.reason;
    throw error;
  }
  throw new Error('expected a DecryptionError, but nothing was thrown');
}

describe('decryptBlockletLegacy against the real @blocklet/sdk', () => {
  const plaintexts = [
    ['one character', 'k'],
    ['a single space', ' '],
    ['exactly one AES block', '0123456789abcdef'],
    ['an OpenAI-style key', 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'],
    ['non-ASCII', 'clé-secrète-ключ-密钥'],
    ['astral plane and NUL', '\u{1F511}\u0000\u{10FFFF}'],
    ['a leading BOM', '\uFEFFtext'],
    ['long', 'long-secret-'.repeat(500)],
    ['JSON', JSON.stringify({ api_key: 'sk-x', region: 'us-east-1' })],
  ] as const;

  it.each(plaintexts)('reads %s', (_what, plaintext) => {
    const ciphertext = sdkEncrypt(plaintext, EK, DID);
    expect(ciphertext.startsWith('U2FsdGVkX1')).toBe(true);
    expect(isBlockletLegacyCiphertext(ciphertext)).toBe(true);
    expect(decryptBlockletLegacy(ciphertext, EK, DID)).toBe(plaintext);
  });

  it('reads a fixed vector committed as a literal', () => {
    expect(decryptBlockletLegacy(FIXED.ciphertext, EK, DID)).toBe(FIXED.plaintext);
    expect(sdkDecrypt(FIXED.ciphertext, EK, DID)).toBe(FIXED.plaintext);
  });

  it('uses the EK as text, exactly as the SDK does (no hex decoding, prefix matters)', () => {
    const ciphertext = sdkEncrypt('sk-x', 'plain text password', DID);
    expect(decryptBlockletLegacy(ciphertext, 'plain text password', DID)).toBe('sk-x');
    expect(legacyReason(() => decryptBlockletLegacy(FIXED.ciphertext, EK.slice(2), DID))).toBe(
      'legacy_failed',
    );
  });

  it('fails with legacy_failed for a wrong EK or a wrong DID', () => {
    expect(legacyReason(() => decryptBlockletLegacy(FIXED.ciphertext, `${EK.slice(0, -1)}0`, DID))).toBe(
      'legacy_failed',
    );
    expect(legacyReason(() => decryptBlockletLegacy(FIXED.ciphertext, EK, `${DID}x`))).toBe('legacy_failed');
    expect(legacyReason(() => decryptBlockletLegacy(FIXED.ciphertext, EK, DID.toLowerCase()))).toBe(
      'legacy_failed',
    );
  });

  it('refuses a wrong key where crypto-js returns garbage instead of failing', () => {
    expect(sdkDecrypt(FIXED.ciphertext, EK_CRYPTOJS_ACCEPTS, DID)).toBe('T');
    expect(legacyReason(() => decryptBlockletLegacy(FIXED.ciphertext, EK_CRYPTOJS_ACCEPTS, DID))).toBe(
      'legacy_failed',
    );
  });

  it('refuses a wrong key where crypto-js returns an empty string', () => {
    expect(sdkDecrypt(FIXED.ciphertext, EK_CRYPTOJS_EMPTY, DID)).toBe('');
    expect(legacyReason(() => decryptBlockletLegacy(FIXED.ciphertext, EK_CRYPTOJS_EMPTY, DID))).toBe(
      'legacy_failed',
    );
  });

  it('refuses an empty plaintext, which cannot be told from a wrong-key result', () => {
    const ciphertext = sdkEncrypt('', EK, DID);
    expect(isBlockletLegacyCiphertext(ciphertext)).toBe(true);
    expect(legacyReason(() => decryptBlockletLegacy(ciphertext, EK, DID))).toBe('legacy_failed');
  });

  it('fails when the ciphertext is altered in its last block (padding) or truncated', () => {
    const raw = Buffer.from(FIXED.ciphertext, 'base64');
    const altered = Buffer.from(raw);
    altered[raw.length - 1] = altered[raw.length - 1]! ^ 0x01;
    expect(legacyReason(() => decryptBlockletLegacy(altered.toString('base64'), EK, DID))).toBe(
      'legacy_failed',
    );
    expect(
      legacyReason(() => decryptBlockletLegacy(raw.subarray(0, raw.length - 16).toString('base64'), EK, DID)),
    ).toBe('legacy_failed');
  });

  it('refuses empty EK or DID with a ConfigError (the SDK would silently fall back to the environment)', () => {
    expect(() => decryptBlockletLegacy(FIXED.ciphertext, '', DID)).toThrow(
      new ConfigError('BLOCKLET_APP_EK is empty: cannot read legacy Blocklet ciphertext'),
    );
    expect(() => decryptBlockletLegacy(FIXED.ciphertext, EK, '')).toThrow(
      new ConfigError('BLOCKLET_DID is empty: cannot read legacy Blocklet ciphertext'),
    );
  });

  it('does not put key material or plaintext in its messages', () => {
    try {
      decryptBlockletLegacy(FIXED.ciphertext, EK_CRYPTOJS_ACCEPTS, DID);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DecryptionError);
      const { message } = error as DecryptionError;
      expect(message).not.toContain(EK_CRYPTOJS_ACCEPTS.slice(2, 20));
      expect(message).not.toContain(FIXED.ciphertext.slice(10, 30));
    }
  });
});

describe('isBlockletLegacyCiphertext', () => {
  const raw = Buffer.from(FIXED.ciphertext, 'base64');

  it.each([
    ['a v1 envelope', 'v1:630dcd29:AAAAAAAAAAAAAAAA9_O3ybr20ZiTek2miiCk2w'],
    ['plain text', 'sk-abc'],
    ['the prefix alone', 'U2FsdGVkX1'],
    ['a header without any block', raw.subarray(0, 16).toString('base64')],
    ['a body that is not whole blocks', raw.subarray(0, raw.length - 1).toString('base64')],
    ['base64url instead of base64', raw.toString('base64url')],
    ['a missing padding character', FIXED.ciphertext.slice(0, -1)],
    ['surrounding whitespace', ` ${FIXED.ciphertext}`],
    ['not a string', 42],
  ])('is false for %s', (_what, value) => {
    expect(isBlockletLegacyCiphertext(value)).toBe(false);
  });

  it('is true for the fixed vector', () => {
    expect(isBlockletLegacyCiphertext(FIXED.ciphertext)).toBe(true);
  });

  it('makes decryptBlockletLegacy throw malformed for anything it rejects', () => {
    expect(legacyReason(() => decryptBlockletLegacy('sk-abc', EK, DID))).toBe('malformed');
  });
});
