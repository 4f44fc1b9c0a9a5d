import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  randomBytes as cryptoRandomBytes,
  type KeyObject,
} from 'node:crypto';
import { ConfigError, DecryptionError, ValidationError } from '../errors';
import { decodeUtf8Strict, isWellFormedUnicode } from './encoding';
import { formatEnvelope, NONCE_BYTES, parseEnvelope, TAG_BYTES } from './envelope';

/** Master keys are AES-256 keys. */
export const MASTER_KEY_BYTES = 32;

const CIPHER = 'aes-256-gcm';

/**
 * The id of a master key: the first 8 hex characters of SHA-256(key). It names the key in envelopes and in
 * the audit trail without revealing it, and lets a keyring pick the right key without trial decryption.
 */
export function masterKeyId(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export interface KeyringOptions {
  /**
   * Test seam only: where nonces come from. Known-answer tests pass a function returning a fixed nonce so that
   * an envelope can be compared byte for byte. Production code never passes this and gets
   * `crypto.randomBytes`; a repeated nonce under one GCM key is catastrophic, so do not use it elsewhere.
   */
  randomBytes?: (size: number) => Uint8Array;
}

/**
 * An ordered set of master keys. The first key (the active one) encrypts; every key decrypts, so that after a
 * new key is put first the old envelopes keep working until rotation has re-encrypted them.
 *
 * Keys are held as `KeyObject`s in private fields: they are copied on the way in (a caller wiping or reusing
 * its buffer cannot change the keyring) and do not show up when the keyring is logged or inspected.
 */
export class Keyring {
  readonly #keys: ReadonlyMap<string, KeyObject>;
  readonly #activeKeyId: string;
  readonly #randomBytes: (size: number) => Uint8Array;

  constructor(keys: readonly Uint8Array[], options: KeyringOptions = {}) {
    const byId = new Map<string, KeyObject>();
    let activeKeyId: string | undefined;
    keys.forEach((key, index) => {
      const position = `Master key ${index + 1} of ${keys.length}`;
      if (!(key instanceof Uint8Array) || key.length !== MASTER_KEY_BYTES) {
        throw new ConfigError(`${position} must be exactly ${MASTER_KEY_BYTES} bytes`);
      }
      const id = masterKeyId(key);
      const existing = byId.get(id);
      if (existing !== undefined) {
        // Same id: either the very same key twice, or (vanishingly rare) two keys whose ids collide. Both
        // would make envelopes ambiguous, so both are refused.
        const same = Buffer.from(existing.export()).equals(key);
        throw new ConfigError(
          same
            ? `${position} is a duplicate of an earlier key`
            : `${position} has the same key id as an earlier key`,
        );
      }
      byId.set(id, createSecretKey(Buffer.from(key)));
      activeKeyId ??= id;
    });
    if (activeKeyId === undefined) throw new ConfigError('A keyring needs at least one master key');
    this.#keys = byId;
    this.#activeKeyId = activeKeyId;
    this.#randomBytes = options.randomBytes ?? cryptoRandomBytes;
  }

  /** The id of the key new envelopes are written under. */
  get activeKeyId(): string {
    return this.#activeKeyId;
  }

  /** Every key id this keyring can decrypt, the active one first. */
  get keyIds(): readonly string[] {
    return [...this.#keys.keys()];
  }

  /**
   * Encrypts `plaintext` under the active key with a fresh 12-byte nonce, binding `aad` (see `aadFor`) into
   * the authentication tag. Strings with unpaired surrogates are refused: UTF-8 cannot represent them, so
   * the secret would come back altered.
   */
  encrypt(plaintext: string, aad: string): string {
    if (typeof plaintext !== 'string' || !isWellFormedUnicode(plaintext)) {
      throw new ValidationError('Only well-formed Unicode strings can be encrypted');
    }
    checkAad(aad);
    const nonce = this.#randomBytes(NONCE_BYTES);
    if (nonce.length !== NONCE_BYTES) {
      throw new Error(`Nonce source returned ${nonce.length} bytes instead of ${NONCE_BYTES}`);
    }
    const key = this.#keys.get(this.#activeKeyId);
    if (key === undefined) throw new Error('Keyring lost its active key');
    const cipher = createCipheriv(CIPHER, key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return formatEnvelope(this.#activeKeyId, nonce, ciphertext, cipher.getAuthTag());
  }

  /**
   * Opens an envelope written under any key of this keyring with the same `aad`. Every failure throws a
   * `DecryptionError` (`malformed`, `unknown_version`, `unknown_key`, `authentication_failed`); nothing is
   * ever returned for a value that did not authenticate.
   */
  decrypt(envelope: string, aad: string): string {
    checkAad(aad);
    const { keyId, nonce, ciphertext, tag } = parseEnvelope(envelope);
    const key = this.#keys.get(keyId);
    if (key === undefined) {
      throw new DecryptionError(
        'unknown_key',
        `Encrypted value is under key ${keyId}, which is not configured`,
      );
    }
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv(CIPHER, key, nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(tag);
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new DecryptionError(
        'authentication_failed',
        'Encrypted value failed authentication (altered, or stored under another row or field)',
      );
    }
    try {
      return decodeUtf8Strict(plaintext);
    } catch {
      // Unreachable for envelopes we wrote (we only encrypt well-formed text); kept so that no path returns
      // mangled text.
      throw new DecryptionError('malformed', 'Encrypted value did not decrypt to UTF-8 text');
    }
  }

  /** True when the envelope is already under the active key, i.e. rotation can leave it alone. */
  isUnderActiveKey(envelope: string): boolean {
    return parseEnvelope(envelope).keyId === this.#activeKeyId;
  }

  /**
   * Decrypts with whichever key the envelope names and encrypts again under the active key (with a new
   * nonce). Used by rotation; it always authenticates the old value first, so a tampered value fails here
   * rather than being laundered into a valid new envelope.
   */
  reencrypt(envelope: string, aad: string): string {
    return this.encrypt(this.decrypt(envelope, aad), aad);
  }
}

function checkAad(aad: string): void {
  if (typeof aad !== 'string' || aad.length === 0 || !isWellFormedUnicode(aad)) {
    throw new ValidationError('Associated data must be a non-empty, well-formed string');
  }
}
