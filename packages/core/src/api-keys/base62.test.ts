import { describe, expect, it } from 'vitest';
import { BASE62_ALPHABET, bytesToBigInt, encodeBase62 } from './base62';

describe('base62', () => {
  it('uses 62 distinct characters, digits then uppercase then lowercase', () => {
    expect(BASE62_ALPHABET).toHaveLength(62);
    expect(new Set(BASE62_ALPHABET).size).toBe(62);
    expect(BASE62_ALPHABET.slice(0, 11)).toBe('0123456789A');
    expect(BASE62_ALPHABET.slice(-2)).toBe('yz');
  });

  it('encodes known values left-padded to the width', () => {
    expect(encodeBase62(0n, 3)).toBe('000');
    expect(encodeBase62(61n, 2)).toBe('0z');
    expect(encodeBase62(62n, 2)).toBe('10');
    expect(encodeBase62(62n ** 2n - 1n, 2)).toBe('zz');
    // 2^32 - 1, the largest CRC32, in the 6 characters a key's checksum has.
    expect(encodeBase62(0xffffffffn, 6)).toBe('4gfFC3');
  });

  it('refuses values that do not fit the width and negative values', () => {
    expect(() => encodeBase62(62n ** 2n, 2)).toThrow(RangeError);
    expect(() => encodeBase62(-1n, 4)).toThrow(RangeError);
  });

  it('reads bytes as a big-endian unsigned integer', () => {
    expect(bytesToBigInt(new Uint8Array([]))).toBe(0n);
    expect(bytesToBigInt(new Uint8Array([0x01, 0x00]))).toBe(256n);
    expect(bytesToBigInt(new Uint8Array([0x00, 0xff, 0xfe]))).toBe(0xfffen);
    expect(bytesToBigInt(new Uint8Array(24).fill(0xff))).toBe(2n ** 192n - 1n);
  });
});
