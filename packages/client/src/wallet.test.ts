import { describe, expect, it } from 'vitest';
import { assertSignInChallenge, encodeBinary } from './wallet';

const DID = 'did:abt:z1nxZUB3qwFj7LKRXf4seMxS3YqvZHyRcWC';
const NONCE = 'q0b9V1h8x6Zl3rGmT4uYwE2sK7dJ5fNc';
const CHALLENGE = [
  'aigne-hub wants you to sign in with your DID wallet.',
  'Domain: hub.example.com',
  'Origin: https://hub.example.com',
  `DID: ${DID}`,
  `Nonce: ${NONCE}`,
  'Issued At: 2025-01-01T00:00:00.000Z',
  'Expiration Time: 2025-01-01T00:05:00.000Z',
].join('\n');

describe('assertSignInChallenge', () => {
  it('accepts the hub challenge for this DID (with or without did:abt:) and nonce', () => {
    expect(() => assertSignInChallenge(CHALLENGE, NONCE, DID)).not.toThrow();
    expect(() => assertSignInChallenge(CHALLENGE, NONCE, DID.slice('did:abt:'.length))).not.toThrow();
  });

  it.each([
    ['another DID', CHALLENGE, NONCE, 'did:abt:z1otherDid'],
    ['another nonce', CHALLENGE, 'x'.repeat(32), DID],
    ['arbitrary text', 'Transfer 100 tokens to z1attacker', NONCE, DID],
    ['no header', CHALLENGE.split('\n').slice(1).join('\n'), NONCE, DID],
    ['non-ASCII text', `${CHALLENGE}\nNote: ünïcode`, NONCE, DID],
    ['a huge text', `${CHALLENGE}\n${'x'.repeat(2000)}`, NONCE, DID],
  ])('refuses %s', (_, message, nonce, did) => {
    expect(() => assertSignInChallenge(message, nonce, did)).toThrow(
      expect.objectContaining({ name: 'HubClientError', code: 'invalid_challenge' }),
    );
  });
});

describe('encodeBinary', () => {
  it('writes bytes and hex as 0x + lowercase hex, and leaves multibase as it is', () => {
    expect(encodeBinary(Uint8Array.from([0, 1, 0xab, 0xff]))).toBe('0x0001abff');
    expect(encodeBinary('0xABCD')).toBe('0xabcd');
    expect(encodeBinary('abcd')).toBe('0xabcd');
    expect(encodeBinary('z3yQ')).toBe('z3yQ');
  });
});
