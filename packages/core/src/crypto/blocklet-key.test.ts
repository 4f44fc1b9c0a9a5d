import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { deriveBlockletMasterKey } from './blocklet-key';

const EK_BYTES = Buffer.from(Array.from({ length: 64 }, (_, i) => i));
const EK = `0x${EK_BYTES.toString('hex')}`;
const DID = 'z8iZpog7mcgcgBZzTiXJCWesvmzVDMRJvGXRX';

describe('deriveBlockletMasterKey', () => {
  it('matches a fixed HKDF-SHA256 vector', () => {
    // Computed independently with Python `cryptography`:
    //   HKDF(SHA256(), 32, salt=DID.encode(), info=b'aigne-hub/master-key/v1').derive(bytes(range(64)))
    expect(deriveBlockletMasterKey(EK, DID).toString('hex')).toBe(
      '895ac118445da646081024ad3f9d9c042cf7289a434ae7b710f7c42c1a1901e8',
    );
  });

  it('reads the EK as hex: 0x prefix, letter case and surrounding whitespace do not change the key', () => {
    const expected = deriveBlockletMasterKey(EK, DID);
    expect(deriveBlockletMasterKey(EK_BYTES.toString('hex'), DID)).toEqual(expected);
    expect(deriveBlockletMasterKey(`0X${EK_BYTES.toString('hex').toUpperCase()}`, DID)).toEqual(expected);
    expect(deriveBlockletMasterKey(` ${EK}\n`, DID)).toEqual(expected);
  });

  it('gives different keys for a different DID or EK', () => {
    const base = deriveBlockletMasterKey(EK, DID);
    expect(deriveBlockletMasterKey(EK, `${DID}x`).equals(base)).toBe(false);
    const otherEk = Buffer.from(EK_BYTES);
    otherEk[63] = 0xff;
    expect(deriveBlockletMasterKey(otherEk.toString('hex'), DID).equals(base)).toBe(false);
  });

  it.each([
    ['empty EK', '', DID, 'BLOCKLET_APP_EK is empty: cannot derive the master key in Blocklet mode'],
    [
      'bare 0x EK',
      '0x',
      DID,
      'BLOCKLET_APP_EK is not a hex key (expected hex digits, optionally prefixed with 0x)',
    ],
    [
      'non-hex EK',
      'not-a-hex-key-at-all',
      DID,
      'BLOCKLET_APP_EK is not a hex key (expected hex digits, optionally prefixed with 0x)',
    ],
    [
      'odd-length EK',
      `${EK}0`,
      DID,
      'BLOCKLET_APP_EK is not a hex key (expected hex digits, optionally prefixed with 0x)',
    ],
    [
      'short EK',
      `0x${'ab'.repeat(16)}`,
      DID,
      'BLOCKLET_APP_EK decodes to 16 bytes; a Blocklet app key is at least 32 bytes',
    ],
    ['empty DID', EK, '', 'BLOCKLET_DID is empty: cannot derive the master key in Blocklet mode'],
    ['blank DID', EK, '   ', 'BLOCKLET_DID is empty: cannot derive the master key in Blocklet mode'],
  ])('refuses %s', (_what, ek, did, message) => {
    expect(() => deriveBlockletMasterKey(ek, did)).toThrow(new ConfigError(message));
  });
});
