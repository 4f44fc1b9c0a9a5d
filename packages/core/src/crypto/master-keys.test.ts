import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { Keyring } from './keyring';
import { encodeMasterKey, generateMasterKey, parseEncryptionKeys } from './master-keys';

/** 32 bytes chosen so that the base64 and base64url forms differ: fb ff fe 00 01 ... */
const KEY_1 = Buffer.from(Array.from({ length: 32 }, (_, i) => (0xfb + i * 37) % 256));
const KEY_2 = Buffer.alloc(32, 7);
const B64_1 = KEY_1.toString('base64');
const B64URL_1 = KEY_1.toString('base64url');
const B64_2 = KEY_2.toString('base64');

function configMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

describe('parseEncryptionKeys', () => {
  it('test keys really differ between the two alphabets', () => {
    expect(B64_1).toMatch(/[+/]/);
    expect(B64URL_1).toMatch(/[-_]/);
  });

  it('accepts standard base64 and base64url, with or without padding, first one first', () => {
    expect(parseEncryptionKeys(B64_1)).toEqual([KEY_1]);
    expect(parseEncryptionKeys(B64URL_1)).toEqual([KEY_1]);
    expect(parseEncryptionKeys(B64_1.replace(/=+$/, ''))).toEqual([KEY_1]);
    expect(parseEncryptionKeys(`${B64_2},${B64URL_1}`)).toEqual([KEY_2, KEY_1]);
  });

  it('tolerates whitespace around entries and around the list', () => {
    expect(parseEncryptionKeys(`  ${B64_1} ,\t${B64_2}\n`)).toEqual([KEY_1, KEY_2]);
  });

  it.each([
    [
      'an empty value',
      '',
      'HUB_ENCRYPTION_KEYS is empty: set it to one or more comma-separated base64 keys of 32 bytes',
    ],
    [
      'a blank value',
      '  \n',
      'HUB_ENCRYPTION_KEYS is empty: set it to one or more comma-separated base64 keys of 32 bytes',
    ],
    [
      'an empty entry',
      `${B64_1},,${B64_2}`,
      'HUB_ENCRYPTION_KEYS entry 2 of 3 is empty (a stray comma?): set it to one or more comma-separated base64 keys of 32 bytes',
    ],
    [
      'a trailing comma',
      `${B64_1},`,
      'HUB_ENCRYPTION_KEYS entry 2 of 2 is empty (a stray comma?): set it to one or more comma-separated base64 keys of 32 bytes',
    ],
    [
      'text that is not base64',
      'not a key!',
      'HUB_ENCRYPTION_KEYS entry 1 of 1 is not valid base64 or base64url',
    ],
    [
      'a mix of both alphabets',
      `${B64_2},${B64URL_1.replace('-', '+')}`,
      'HUB_ENCRYPTION_KEYS entry 2 of 2 is not valid base64 or base64url',
    ],
    [
      'a key that is too short',
      Buffer.alloc(16, 1).toString('base64'),
      'HUB_ENCRYPTION_KEYS entry 1 of 1 decodes to 16 bytes; a key must be exactly 32 bytes',
    ],
    [
      'a key that is too long',
      `${B64_1},${Buffer.alloc(33, 1).toString('base64')}`,
      'HUB_ENCRYPTION_KEYS entry 2 of 2 decodes to 33 bytes; a key must be exactly 32 bytes',
    ],
    [
      'a hex key (64 characters decode to 48 bytes)',
      KEY_2.toString('hex'),
      'HUB_ENCRYPTION_KEYS entry 1 of 1 decodes to 48 bytes; a key must be exactly 32 bytes',
    ],
    [
      'a duplicate key, even in the other alphabet',
      `${B64_1},${B64_2},${B64URL_1}`,
      'HUB_ENCRYPTION_KEYS entry 3 of 3 is the same key as entry 1',
    ],
  ])('refuses %s with a one-line message', (_what, value, message) => {
    const actual = configMessage(() => parseEncryptionKeys(value));
    expect(actual).toBe(message);
    expect(actual).not.toContain('\n');
  });

  it('never echoes an entry in its message', () => {
    const secretish = `${B64_1.slice(0, 20)}!!${B64_1.slice(22)}`;
    expect(configMessage(() => parseEncryptionKeys(secretish))).not.toContain(B64_1.slice(0, 20));
    const short = Buffer.alloc(31, 9).toString('base64');
    expect(configMessage(() => parseEncryptionKeys(short))).not.toContain(short);
  });

  it('names another source when asked to', () => {
    expect(configMessage(() => parseEncryptionKeys('', 'the key file'))).toBe(
      'the key file is empty: set it to one or more comma-separated base64 keys of 32 bytes',
    );
  });
});

describe('generateMasterKey / encodeMasterKey', () => {
  it('generates distinct 32-byte keys', () => {
    const a = generateMasterKey();
    const b = generateMasterKey();
    expect(a).toHaveLength(32);
    expect(a.equals(b)).toBe(false);
  });

  it('encodes as padded standard base64 that parseEncryptionKeys reads back', () => {
    expect(encodeMasterKey(KEY_1)).toBe(B64_1);
    expect(encodeMasterKey(KEY_1)).toHaveLength(44);
    const key = generateMasterKey();
    expect(parseEncryptionKeys(encodeMasterKey(key))).toEqual([key]);
    expect(() => new Keyring(parseEncryptionKeys(encodeMasterKey(key)))).not.toThrow();
  });

  it('refuses to encode a key of the wrong size', () => {
    expect(() => encodeMasterKey(Buffer.alloc(31))).toThrow(
      new ConfigError('A master key must be exactly 32 bytes'),
    );
  });
});
