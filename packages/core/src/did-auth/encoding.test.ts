import { fromRandom } from '@ocap/wallet';
import { describe, expect, it } from 'vitest';
import { decodeBase58, decodeBinary, toCanonicalHex } from './encoding';

const hex = (bytes: Uint8Array | null): string | null =>
  bytes === null ? null : Buffer.from(bytes).toString('hex');

describe('decodeBase58', () => {
  it('decodes known vectors (draft-msporny-base58), leading zeros included', () => {
    expect(hex(decodeBase58('2NEpo7TZRRrLZSi2U'))).toBe(Buffer.from('Hello World!').toString('hex'));
    expect(hex(decodeBase58('11233QC4'))).toBe('0000287fb4cd');
    expect(
      Buffer.from(decodeBase58('USm3fpXnKG5EUBx2ndxBDMPVciP5hGey2Jh4NDv6gmeo1LkMeiKrLJUUBk6Z')!).toString(),
    ).toBe('The quick brown fox jumps over the lazy dog.');
    expect(hex(decodeBase58('1'))).toBe('00');
    expect(hex(decodeBase58(''))).toBe('');
  });

  it('refuses characters outside the alphabet', () => {
    for (const text of ['0', 'O', 'I', 'l', '+', '2NEpo7TZRRrLZSi2U!']) expect(decodeBase58(text)).toBeNull();
  });
});

describe('decodeBinary', () => {
  it('reads hex with or without 0x, in either case', () => {
    expect(hex(decodeBinary('0x00ff10'))).toBe('00ff10');
    expect(hex(decodeBinary('00ff10'))).toBe('00ff10');
    expect(hex(decodeBinary('0x00FF10'))).toBe('00ff10');
  });

  it('reads multibase base58btc', () => {
    expect(hex(decodeBinary('z11233QC4'))).toBe('0000287fb4cd');
  });

  it('refuses empty, odd-length, base64url and unknown forms', () => {
    for (const text of [
      '',
      '0x',
      'abc',
      '0xabc',
      '0Xab',
      'AAECAwQ',
      'AAEC-w',
      'z',
      'z0OIl',
      'u0102',
      ' 0x00',
      '0x00 ',
    ]) {
      expect({ text, bytes: decodeBinary(text) }).toEqual({ text, bytes: null });
    }
    expect(decodeBinary(`0x${'00'.repeat(300)}`)).toBeNull();
  });

  it("agrees with @ocap/wallet's own hex and base58 output", async () => {
    const wallet = fromRandom();
    const data = Buffer.from('some bytes', 'utf8');
    const asHex = await wallet.sign(data, true, 'hex');
    const asBase58 = await wallet.sign(data, true, 'base58');
    expect(asBase58.startsWith('z')).toBe(true);
    expect(hex(decodeBinary(asBase58))).toBe(asHex.slice(2));
    expect(toCanonicalHex(decodeBinary(asHex)!)).toBe(asHex);
  });
});

describe('toCanonicalHex', () => {
  it('writes 0x and lowercase hex', () => {
    expect(toCanonicalHex(Uint8Array.from([0, 0xab, 0xff]))).toBe('0x00abff');
    expect(toCanonicalHex(new Uint8Array())).toBe('0x');
  });
});
