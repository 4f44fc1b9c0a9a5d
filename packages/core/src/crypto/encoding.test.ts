import { describe, expect, it } from 'vitest';
import {
  decodeBase64EitherAlphabet,
  decodeBase64Strict,
  decodeBase64UrlStrict,
  decodeUtf8Strict,
  encodeBase64Url,
  isWellFormedUnicode,
} from './encoding';

const BYTES = Buffer.from('fbff00e03f', 'hex'); // base64 "+/8A4D8=", base64url "-_8A4D8"

describe('base64url', () => {
  it('encodes without padding', () => {
    expect(encodeBase64Url(BYTES)).toBe('-_8A4D8');
    expect(encodeBase64Url(new Uint8Array(0))).toBe('');
  });

  it('decodes only canonical unpadded base64url', () => {
    expect(decodeBase64UrlStrict('-_8A4D8')).toEqual(BYTES);
    expect(decodeBase64UrlStrict('')).toEqual(Buffer.alloc(0));
    expect(decodeBase64UrlStrict('-_8A4D8=')).toBeUndefined(); // padding
    expect(decodeBase64UrlStrict('+/8A4D8')).toBeUndefined(); // standard alphabet
    expect(decodeBase64UrlStrict('-_8A 4D8')).toBeUndefined(); // whitespace
    expect(decodeBase64UrlStrict('-_8A4D9')).toBeUndefined(); // non-zero trailing bits
    expect(decodeBase64UrlStrict('-_8A4')).toBeUndefined(); // impossible length
  });
});

describe('base64 with either alphabet', () => {
  it.each(['+/8A4D8=', '+/8A4D8', '-_8A4D8', '-_8A4D8='])('decodes %s', (text) => {
    expect(decodeBase64EitherAlphabet(text)).toEqual(BYTES);
  });

  it.each([
    ['mixed alphabets', '+_8A4D8='],
    ['wrong padding', '+/8A4D8=='],
    ['padding in the middle', '+/8=A4D8'],
    ['non-zero trailing bits', '+/8A4D9='],
    ['impossible length', '+/8A4'],
    ['other characters', '+/8A4D8!'],
  ])('refuses %s', (_why, text) => {
    expect(decodeBase64EitherAlphabet(text)).toBeUndefined();
  });
});

describe('strict standard base64', () => {
  it('decodes exactly what Buffer produces and nothing else', () => {
    expect(decodeBase64Strict('+/8A4D8=')).toEqual(BYTES);
    expect(decodeBase64Strict('+/8A4D8')).toBeUndefined();
    expect(decodeBase64Strict('-_8A4D8=')).toBeUndefined();
    expect(decodeBase64Strict('+/8A4D9=')).toBeUndefined();
  });
});

describe('unicode helpers', () => {
  it('tells well-formed strings from ones with unpaired surrogates', () => {
    expect(isWellFormedUnicode('a\u{1F600}b')).toBe(true);
    expect(isWellFormedUnicode('a\uD83Db')).toBe(false);
    expect(isWellFormedUnicode('\uDE00')).toBe(false);
    expect(isWellFormedUnicode('\uD83D')).toBe(false);
  });

  it('decodes UTF-8 strictly and keeps a leading BOM', () => {
    expect(decodeUtf8Strict(Buffer.from('\uFEFFh\u00e9', 'utf8'))).toBe('\uFEFFh\u00e9');
    expect(() => decodeUtf8Strict(Buffer.from([0x68, 0xc3]))).toThrow(TypeError);
    expect(() => decodeUtf8Strict(Buffer.from([0xff]))).toThrow(TypeError);
  });
});
