import { describe, expect, it } from 'vitest';
import { digestsEqual, hashApiKey } from './digest';

describe('hashApiKey', () => {
  it('is the SHA-256 hex of the whole secret (known vectors)', () => {
    expect(hashApiKey('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashApiKey('ahk_00000000000000000000000000000000026BYXP')).toBe(
      'ef7227891f29da30f64f8f928cba8166613877e7627f371724ae2494d34ab02a',
    );
  });
});

describe('digestsEqual', () => {
  const digest = hashApiKey('ahk_000A7dl5PEW67zZCpFU9uKaHnGgOvQKAR2eahrm');

  it('is true for the same digest', () => {
    expect(digestsEqual(digest, `${digest}`)).toBe(true);
    expect(digestsEqual('', '')).toBe(true);
  });

  it('is false when a digest differs at the first or the last character', () => {
    const first = (digest.startsWith('0') ? '1' : '0') + digest.slice(1);
    const last = digest.slice(0, -1) + (digest.endsWith('0') ? '1' : '0');
    expect(digestsEqual(digest, first)).toBe(false);
    expect(digestsEqual(digest, last)).toBe(false);
  });

  it('returns false for unequal lengths instead of throwing like timingSafeEqual', () => {
    expect(digestsEqual(digest, digest.slice(0, -1))).toBe(false);
    expect(digestsEqual(digest, `${digest}0`)).toBe(false);
    expect(digestsEqual(digest, '')).toBe(false);
    expect(digestsEqual('', digest)).toBe(false);
  });

  it('compares exactly: case and hex-decoding tricks do not make digests equal', () => {
    expect(digestsEqual(digest, digest.toUpperCase())).toBe(false);
    // Buffer.from(x, 'hex') stops at the first non-hex character; comparing decoded bytes would call these equal.
    expect(digestsEqual('abzz', 'abyy')).toBe(false);
  });
});
