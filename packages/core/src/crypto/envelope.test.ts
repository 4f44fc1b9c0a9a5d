import { describe, expect, it } from 'vitest';
import { DecryptionError } from '../errors';
import { formatEnvelope, keyIdOf, parseEnvelope } from './envelope';

const NONCE = Buffer.alloc(12, 1);
const TAG = Buffer.alloc(16, 2);

function reasonOf(envelope: string): string {
  try {
    parseEnvelope(envelope);
  } catch (error) {
    if (error instanceof DecryptionError) return error.reason;
    throw error;
  }
  return 'parsed';
}

describe('envelope format', () => {
  it('formats and parses v1:<keyId>:<base64url(nonce | ciphertext | tag)>', () => {
    const envelope = formatEnvelope('0123abcd', NONCE, Buffer.from('ct'), TAG);
    expect(envelope).toBe(
      `v1:0123abcd:${Buffer.concat([NONCE, Buffer.from('ct'), TAG]).toString('base64url')}`,
    );
    expect(envelope).not.toContain('=');
    const parts = parseEnvelope(envelope);
    expect(parts.keyId).toBe('0123abcd');
    expect(parts.nonce).toEqual(NONCE);
    expect(parts.ciphertext).toEqual(Buffer.from('ct'));
    expect(parts.tag).toEqual(TAG);
  });

  it('parses an empty ciphertext (nonce and tag only)', () => {
    expect(parseEnvelope(formatEnvelope('0123abcd', NONCE, Buffer.alloc(0), TAG)).ciphertext).toHaveLength(0);
  });

  it('reads the key id without any key', () => {
    expect(keyIdOf(formatEnvelope('deadbeef', NONCE, Buffer.from('x'), TAG))).toBe('deadbeef');
  });

  const payload = Buffer.concat([NONCE, TAG]).toString('base64url');
  it.each([
    ['v2 version', `v2:0123abcd:${payload}`, 'unknown_version'],
    ['v10 version', `v10:0123abcd:${payload}`, 'unknown_version'],
    ['no colon', 'sk-abc', 'malformed'],
    ['empty string', '', 'malformed'],
    ['odd prefix', `V1:0123abcd:${payload}`, 'malformed'],
    ['two parts', 'v1:0123abcd', 'malformed'],
    ['four parts', `v1:0123abcd:${payload}:x`, 'malformed'],
    ['uppercase key id', `v1:0123ABCD:${payload}`, 'malformed'],
    ['short key id', `v1:0123abc:${payload}`, 'malformed'],
    ['padded payload', `v1:0123abcd:${payload}=`, 'malformed'],
    ['payload shorter than nonce + tag', `v1:0123abcd:${payload.slice(0, 36)}`, 'malformed'],
    ['empty payload', 'v1:0123abcd:', 'malformed'],
  ])('refuses %s as %s', (_what, envelope, reason) => {
    expect(reasonOf(envelope)).toBe(reason);
  });

  it('refuses a non-string value', () => {
    expect(reasonOf(42 as unknown as string)).toBe('malformed');
  });
});
