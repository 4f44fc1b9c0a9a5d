import { hkdfSync } from 'node:crypto';
import { ConfigError } from '../errors';
import { MASTER_KEY_BYTES } from './keyring';

/** HKDF `info`: names what the derived key is for, so the same EK can never yield this key for another use. */
export const BLOCKLET_MASTER_KEY_INFO = 'aigne-hub/master-key/v1';

/** A wallet secret key (secp256k1 or ed25519) is at least 32 bytes; anything shorter is a misconfiguration. */
const MIN_EK_BYTES = 32;

/**
 * The master key used when running under Blocklet Server, where there is no key file to keep: it is derived
 * from the app's encryption key and the blocklet DID, both provided by the server, so it is the same on every
 * start and every replica.
 *
 * HKDF-SHA256 with ikm = the EK bytes, salt = the UTF-8 bytes of the blocklet DID exactly as given, info =
 * {@link BLOCKLET_MASTER_KEY_INFO}, 32 bytes out.
 *
 * How the EK string becomes bytes: Blocklet Server sets `BLOCKLET_APP_EK` to a wallet secret key in hex,
 * usually `0x`-prefixed. We strip an optional `0x`/`0X`, surrounding whitespace, and decode the hex
 * (case-insensitively, so `0xAB..` and `ab..` give the same key). Anything that is not even-length hex of at
 * least 32 bytes is refused rather than hashed as text, so a mangled variable stops the server instead of
 * silently producing a different key (and unreadable credentials).
 */
export function deriveBlockletMasterKey(appEk: string, blockletDid: string): Buffer {
  const ikm = parseAppEk(appEk);
  if (typeof blockletDid !== 'string' || blockletDid.trim() === '') {
    throw new ConfigError('BLOCKLET_DID is empty: cannot derive the master key in Blocklet mode');
  }
  return Buffer.from(
    hkdfSync('sha256', ikm, Buffer.from(blockletDid, 'utf8'), BLOCKLET_MASTER_KEY_INFO, MASTER_KEY_BYTES),
  );
}

function parseAppEk(appEk: string): Buffer {
  if (typeof appEk !== 'string' || appEk.trim() === '') {
    throw new ConfigError('BLOCKLET_APP_EK is empty: cannot derive the master key in Blocklet mode');
  }
  const hex = appEk.trim().replace(/^0x/i, '');
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) {
    throw new ConfigError(
      'BLOCKLET_APP_EK is not a hex key (expected hex digits, optionally prefixed with 0x)',
    );
  }
  const bytes = Buffer.from(hex, 'hex');
  if (bytes.length < MIN_EK_BYTES) {
    throw new ConfigError(
      `BLOCKLET_APP_EK decodes to ${bytes.length} bytes; a Blocklet app key is at least ${MIN_EK_BYTES} bytes`,
    );
  }
  return bytes;
}
