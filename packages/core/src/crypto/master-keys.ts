import { randomBytes } from 'node:crypto';
import { ConfigError } from '../errors';
import { decodeBase64EitherAlphabet } from './encoding';
import { MASTER_KEY_BYTES } from './keyring';

/**
 * Parses the master keys given in configuration (`HUB_ENCRYPTION_KEYS`, or the key file): a comma-separated
 * list of 32-byte keys in standard base64 or base64url, padding optional, whitespace around entries ignored.
 * The first key is the active one.
 *
 * Every problem is a one-line `ConfigError` naming the entry by position and saying what is wrong with it;
 * the entry itself is never echoed, since it is (or was meant to be) a secret.
 *
 * @param source what to call the value in messages, e.g. `'HUB_ENCRYPTION_KEYS'` or `'the key file'`.
 */
export function parseEncryptionKeys(value: string, source = 'HUB_ENCRYPTION_KEYS'): Buffer[] {
  const hint = `set it to one or more comma-separated base64 keys of ${MASTER_KEY_BYTES} bytes`;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(`${source} is empty: ${hint}`);
  }
  const entries = value.split(',').map((entry) => entry.trim());
  const keys: Buffer[] = [];
  entries.forEach((entry, index) => {
    const position = `${source} entry ${index + 1} of ${entries.length}`;
    if (entry === '') {
      throw new ConfigError(`${position} is empty (a stray comma?): ${hint}`);
    }
    const key = decodeBase64EitherAlphabet(entry);
    if (key === undefined) {
      throw new ConfigError(`${position} is not valid base64 or base64url`);
    }
    if (key.length !== MASTER_KEY_BYTES) {
      throw new ConfigError(
        `${position} decodes to ${key.length} bytes; a key must be exactly ${MASTER_KEY_BYTES} bytes`,
      );
    }
    const earlier = keys.findIndex((other) => other.equals(key));
    if (earlier !== -1) {
      throw new ConfigError(`${position} is the same key as entry ${earlier + 1}`);
    }
    keys.push(key);
  });
  return keys;
}

/** A new random master key, for the key file written on first start. */
export function generateMasterKey(): Buffer {
  return randomBytes(MASTER_KEY_BYTES);
}

/** The text form of a master key for the key file: standard padded base64, readable by `parseEncryptionKeys`. */
export function encodeMasterKey(key: Uint8Array): string {
  if (!(key instanceof Uint8Array) || key.length !== MASTER_KEY_BYTES) {
    throw new ConfigError(`A master key must be exactly ${MASTER_KEY_BYTES} bytes`);
  }
  return Buffer.from(key).toString('base64');
}
