import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, DecryptionError, ValidationError } from '../errors';
import { aadFor } from './aad';
import { keyIdOf } from './envelope';
import { Keyring, masterKeyId } from './keyring';

const KEY_A = Buffer.from(Array.from({ length: 32 }, (_, i) => i)); // 00 01 .. 1f
const KEY_B = Buffer.alloc(32, 0x42);

/** A keyring whose nonce source always returns `nonce`: only for known-answer tests. */
function fixedNonceKeyring(keys: Buffer[], nonce: Buffer): Keyring {
  return new Keyring(keys, { randomBytes: () => Buffer.from(nonce) });
}

function decryptionFailure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DecryptionError) return error.reason;
    throw error;
  }
  throw new Error('expected a DecryptionError, but nothing was thrown');
}

/**
 * Known answers computed independently with Python `cryptography` (AESGCM, SHA-256), not with this code:
 *   kid = sha256(key).hex()[:8]; ct = AESGCM(key).encrypt(nonce, pt.utf8, aad.utf8)
 *   envelope = 'v1:' + kid + ':' + base64url(nonce + ct) without padding
 */
const VECTORS = [
  {
    key: KEY_A,
    nonce: Buffer.from('000102030405060708090a0b', 'hex'),
    aad: 'credentials:cred_01:api_key',
    plaintext: 'sk-test-1234567890',
    envelope: 'v1:630dcd29:AAECAwQFBgcICQoLNGn7b6CWtja8c6S_hN9PVbrmLSIpfcDlcxJWZ8kiKMen4Q',
  },
  {
    key: KEY_B,
    nonce: Buffer.alloc(12, 0xff),
    aad: 'providers:p1:api_key',
    plaintext: 'h\u00e9llo \u{1F30D}\u0000',
    envelope: 'v1:425ed4e4:________________EiteVfm_j6L5tvzj2K8cp6QoqXESFYXmOreWFg',
  },
  {
    key: KEY_A,
    nonce: Buffer.alloc(12),
    aad: 'a:b:c',
    plaintext: '',
    envelope: 'v1:630dcd29:AAAAAAAAAAAAAAAA9_O3ybr20ZiTek2miiCk2w',
  },
] as const;

describe('masterKeyId', () => {
  it('is the first 8 hex characters of SHA-256 of the key', () => {
    expect(masterKeyId(KEY_A)).toBe('630dcd29');
    expect(masterKeyId(KEY_B)).toBe('425ed4e4');
  });
});

describe('Keyring known-answer vectors', () => {
  it.each(VECTORS)(
    'encrypts $plaintext to the exact envelope',
    ({ key, nonce, aad, plaintext, envelope }) => {
      expect(fixedNonceKeyring([key], nonce).encrypt(plaintext, aad)).toBe(envelope);
    },
  );

  it.each(VECTORS)('decrypts the exact envelope back to $plaintext', ({ key, aad, plaintext, envelope }) => {
    expect(new Keyring([key]).decrypt(envelope, aad)).toBe(plaintext);
  });
});

describe('Keyring construction', () => {
  it('rejects an empty key list', () => {
    expect(() => new Keyring([])).toThrow(new ConfigError('A keyring needs at least one master key'));
  });

  it('rejects a key that is not 32 bytes, naming its position', () => {
    expect(() => new Keyring([KEY_A, Buffer.alloc(16, 1)])).toThrow(
      new ConfigError('Master key 2 of 2 must be exactly 32 bytes'),
    );
  });

  it('rejects the same key twice', () => {
    expect(() => new Keyring([KEY_A, KEY_B, Buffer.from(KEY_A)])).toThrow(
      new ConfigError('Master key 3 of 3 is a duplicate of an earlier key'),
    );
  });

  it('rejects two different keys whose ids collide', () => {
    // Found by a birthday search over keys that are zero except for a big-endian counter in the last 4 bytes.
    const first = Buffer.alloc(32);
    first.writeUInt32BE(50323, 28);
    const second = Buffer.alloc(32);
    second.writeUInt32BE(54260, 28);
    expect(masterKeyId(first)).toBe('93613343');
    expect(masterKeyId(second)).toBe('93613343');
    expect(() => new Keyring([first, second])).toThrow(
      new ConfigError('Master key 2 of 2 has the same key id as an earlier key'),
    );
  });

  it('copies the keys, so changing the caller buffer afterwards changes nothing', () => {
    const key = Buffer.from(KEY_A);
    const keyring = new Keyring([key]);
    key.fill(0);
    expect(keyring.decrypt(VECTORS[0].envelope, VECTORS[0].aad)).toBe(VECTORS[0].plaintext);
  });

  it('does not show key material when inspected or serialized', async () => {
    const { inspect } = await import('node:util');
    const keyring = new Keyring([KEY_B]);
    const shown = inspect(keyring, { depth: 5, showHidden: true }) + JSON.stringify(keyring);
    expect(shown).not.toContain('42424242');
    expect(shown).not.toContain(KEY_B.toString('base64'));
  });

  it('reports the active key id and all key ids, active first', () => {
    const keyring = new Keyring([KEY_B, KEY_A]);
    expect(keyring.activeKeyId).toBe('425ed4e4');
    expect(keyring.keyIds).toEqual(['425ed4e4', '630dcd29']);
  });
});

describe('Keyring nonces', () => {
  it('gives 10,000 distinct nonces for 10,000 encryptions of one value', () => {
    const keyring = new Keyring([KEY_A]);
    const nonces = new Set<string>();
    for (let i = 0; i < 10_000; i += 1) {
      const payload = Buffer.from(
        keyring.encrypt('same secret', 'credentials:c1:api_key').split(':')[2]!,
        'base64url',
      );
      nonces.add(payload.subarray(0, 12).toString('hex'));
    }
    expect(nonces.size).toBe(10_000);
  });

  it('refuses a nonce source that returns the wrong length', () => {
    const keyring = new Keyring([KEY_A], { randomBytes: () => Buffer.alloc(8) });
    expect(() => keyring.encrypt('x', 'a:b:c')).toThrow('Nonce source returned 8 bytes instead of 12');
  });
});

describe('Keyring associated data', () => {
  const keyring = new Keyring([KEY_A]);
  const envelope = keyring.encrypt('sk-live-secret', aadFor('credentials', 'cred_1', 'api_key'));

  it('decrypts under the same associated data', () => {
    expect(keyring.decrypt(envelope, aadFor('credentials', 'cred_1', 'api_key'))).toBe('sk-live-secret');
  });

  it.each([
    ['another row id', aadFor('credentials', 'cred_2', 'api_key')],
    ['another field', aadFor('credentials', 'cred_1', 'secret_access_key')],
    ['another table', aadFor('providers', 'cred_1', 'api_key')],
  ])('fails when moved to %s', (_what, otherAad) => {
    expect(decryptionFailure(() => keyring.decrypt(envelope, otherAad))).toBe('authentication_failed');
  });

  it('refuses empty associated data', () => {
    expect(() => keyring.encrypt('x', '')).toThrow(ValidationError);
    expect(() => keyring.decrypt(envelope, '')).toThrow(ValidationError);
  });
});

describe('Keyring tamper detection', () => {
  const { key, nonce, aad, envelope } = VECTORS[0];
  const keyring = fixedNonceKeyring([key], nonce);
  const [version, keyId, payloadText] = envelope.split(':') as [string, string, string];
  const payload = Buffer.from(payloadText, 'base64url');

  it('fails on every single-byte change of the decoded payload (every position, every other value)', () => {
    const reasons = new Set<string>();
    let attempts = 0;
    for (let position = 0; position < payload.length; position += 1) {
      for (let delta = 1; delta < 256; delta += 1) {
        const altered = Buffer.from(payload);
        altered[position] = (altered[position]! + delta) % 256;
        const alteredEnvelope = `${version}:${keyId}:${altered.toString('base64url')}`;
        reasons.add(decryptionFailure(() => keyring.decrypt(alteredEnvelope, aad)));
        attempts += 1;
      }
    }
    expect(attempts).toBe(payload.length * 255);
    expect([...reasons]).toEqual(['authentication_failed']);
  });

  it('fails on every truncation of the decoded payload', () => {
    const reasons: string[] = [];
    for (let length = 0; length < payload.length; length += 1) {
      const truncated = `${version}:${keyId}:${payload.subarray(0, length).toString('base64url')}`;
      reasons.push(decryptionFailure(() => keyring.decrypt(truncated, aad)));
    }
    // Shorter than nonce + tag cannot even be split; anything longer loses tag or ciphertext bytes.
    expect(reasons.slice(0, 28)).toEqual(Array<string>(28).fill('malformed'));
    expect(reasons.slice(28)).toEqual(Array<string>(payload.length - 28).fill('authentication_failed'));
  });

  it('fails on every truncation of the envelope text', () => {
    for (let length = 0; length < envelope.length; length += 1) {
      expect(() => keyring.decrypt(envelope.slice(0, length), aad)).toThrow(DecryptionError);
    }
  });

  it('fails with unknown_key when the key id is changed', () => {
    expect(decryptionFailure(() => keyring.decrypt(`v1:630dcd2a:${payloadText}`, aad))).toBe('unknown_key');
    expect(decryptionFailure(() => keyring.decrypt(`v1:425ed4e4:${payloadText}`, aad))).toBe('unknown_key');
  });

  it('fails with authentication_failed when the key id is changed to another configured key', () => {
    const both = new Keyring([key, KEY_B]);
    expect(decryptionFailure(() => both.decrypt(`v1:425ed4e4:${payloadText}`, aad))).toBe(
      'authentication_failed',
    );
  });

  it('fails with unknown_version when the version is changed', () => {
    expect(decryptionFailure(() => keyring.decrypt(`v2:${keyId}:${payloadText}`, aad))).toBe(
      'unknown_version',
    );
    expect(decryptionFailure(() => keyring.decrypt(`v0:${keyId}:${payloadText}`, aad))).toBe(
      'unknown_version',
    );
  });

  it('fails with malformed for a plain value, a legacy ciphertext or bad base64url', () => {
    expect(decryptionFailure(() => keyring.decrypt('sk-plain-text-key', aad))).toBe('malformed');
    expect(
      decryptionFailure(() => keyring.decrypt('U2FsdGVkX18XYqaAh6v08vxOxk5PNi1EQRLTGsyyqcI=', aad)),
    ).toBe('malformed');
    expect(decryptionFailure(() => keyring.decrypt(`v1:${keyId}:${payloadText}=`, aad))).toBe('malformed');
    expect(
      decryptionFailure(() => keyring.decrypt(`v1:${keyId}:${payloadText.replace('_', '/')}`, aad)),
    ).toBe('malformed');
  });

  it('never puts the envelope or the plaintext in the error message', () => {
    const alteredEnvelope = `${version}:${keyId}:${payloadText.slice(0, -2)}AA`;
    try {
      keyring.decrypt(alteredEnvelope, aad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DecryptionError);
      const { message } = error as DecryptionError;
      expect(message).not.toContain(payloadText.slice(0, 16));
      expect(message).not.toContain('sk-test');
    }
  });
});

describe('Keyring round trip (property)', () => {
  const keyring = new Keyring([KEY_A, KEY_B]);
  const strings = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({ unit: 'grapheme', maxLength: 50 }),
    fc.constantFrom('', '\u0000', '\u{1F600}\u{10FFFF}', '\uFEFFbom', 'x'.repeat(10_000)),
  );

  it('decrypt(encrypt(x)) === x for arbitrary well-formed strings', () => {
    fc.assert(
      fc.property(strings, fc.string({ minLength: 1, unit: 'binary', maxLength: 40 }), (plaintext, aad) => {
        expect(keyring.decrypt(keyring.encrypt(plaintext, aad), aad)).toBe(plaintext);
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses strings with unpaired surrogates instead of altering them', () => {
    expect(() => keyring.encrypt('a\uD800b', 'a:b:c')).toThrow(ValidationError);
    expect(() => keyring.encrypt('\uDC00', 'a:b:c')).toThrow(ValidationError);
  });
});

describe('Keyring rotation', () => {
  const aad = aadFor('credentials', 'cred_9', 'api_key');

  it('still decrypts old envelopes after a new key is put first, and reencrypt moves them to it', () => {
    const before = new Keyring([KEY_A]);
    const old = before.encrypt('sk-rotate-me', aad);
    expect(keyIdOf(old)).toBe('630dcd29');

    const after = new Keyring([KEY_B, KEY_A]);
    expect(after.decrypt(old, aad)).toBe('sk-rotate-me');
    expect(after.isUnderActiveKey(old)).toBe(false);

    const moved = after.reencrypt(old, aad);
    expect(keyIdOf(moved)).toBe('425ed4e4');
    expect(after.isUnderActiveKey(moved)).toBe(true);
    expect(after.decrypt(moved, aad)).toBe('sk-rotate-me');
    // Once the old key is dropped, only the re-encrypted value is readable.
    const onlyNew = new Keyring([KEY_B]);
    expect(onlyNew.decrypt(moved, aad)).toBe('sk-rotate-me');
    expect(decryptionFailure(() => onlyNew.decrypt(old, aad))).toBe('unknown_key');
  });

  it('refuses to reencrypt a tampered or misplaced envelope', () => {
    const keyring = new Keyring([KEY_B, KEY_A]);
    const old = new Keyring([KEY_A]).encrypt('sk-rotate-me', aad);
    expect(decryptionFailure(() => keyring.reencrypt(old, aadFor('credentials', 'other', 'api_key')))).toBe(
      'authentication_failed',
    );
  });

  it('gives a new nonce when reencrypting under the same key', () => {
    const keyring = new Keyring([KEY_A]);
    const first = keyring.encrypt('v', aad);
    const second = keyring.reencrypt(first, aad);
    expect(second).not.toBe(first);
    expect(keyIdOf(second)).toBe(keyIdOf(first));
  });
});
