import { createDecipheriv, createHash, pbkdf2Sync } from 'node:crypto';
import { ConfigError, DecryptionError } from '../errors';
import { decodeBase64Strict, decodeUtf8Strict } from './encoding';

/**
 * Reader for ciphertext written by `@blocklet/sdk` `security.encrypt(text)`, i.e. credentials stored by an
 * existing AIGNE Hub. ONLY for a one-time import: the result must be re-encrypted into a v1 envelope at once
 * and the legacy value discarded. This format has no integrity protection at all (no MAC, no AAD), which is
 * exactly why we do not keep using it.
 *
 * What the SDK does (read from @blocklet/sdk 1.17 lib/security and crypto-js 4.2 via @ocap/mcrypto
 * aes-legacy):
 * 1. passphrase = hex( PBKDF2-HMAC-SHA512(password = EK string, salt = DID string, 256 iterations, 32 bytes) ),
 *    where EK and DID are used as UTF-8 text exactly as found in the environment (no hex decoding of the EK);
 * 2. crypto-js `AES.encrypt(text, passphrase)`: the 64-character hex passphrase is itself the password of
 *    OpenSSL's EVP_BytesToKey (MD5, one iteration) with a random 8-byte salt, giving a 32-byte key and a
 *    16-byte IV; the UTF-8 text is encrypted with AES-256-CBC and PKCS#7 padding;
 * 3. the output is base64 of `"Salted__" | salt(8) | ciphertext`, hence always starting `U2FsdGVkX1`.
 *
 * Because nothing authenticates it, a wrong EK or DID does not reliably throw: crypto-js returns "" or
 * garbage at least as often as it fails. This reader is stricter than crypto-js: it requires valid PKCS#7
 * padding (all pad bytes checked), valid UTF-8 and a non-empty result, and otherwise throws
 * `DecryptionError('legacy_failed')`. That catches a wrong key almost always, but not with certainty (about
 * 1 in 256 wrong keys still yields a valid pad byte; valid UTF-8 then removes most of those), so a caller
 * importing credentials should also check the result looks like a credential. An empty plaintext is refused
 * too: it is indistinguishable from a wrong-key result and is no use as a credential anyway.
 */
export function decryptBlockletLegacy(ciphertext: string, appEk: string, blockletDid: string): string {
  if (typeof appEk !== 'string' || appEk === '') {
    throw new ConfigError('BLOCKLET_APP_EK is empty: cannot read legacy Blocklet ciphertext');
  }
  if (typeof blockletDid !== 'string' || blockletDid === '') {
    throw new ConfigError('BLOCKLET_DID is empty: cannot read legacy Blocklet ciphertext');
  }
  const parsed = parseLegacy(ciphertext);
  if (parsed === undefined) {
    throw new DecryptionError(
      'malformed',
      'Value is not legacy Blocklet ciphertext ("U2FsdGVkX1..." base64)',
    );
  }
  const passphrase = pbkdf2Sync(appEk, blockletDid, PBKDF2_ITERATIONS, PBKDF2_BYTES, 'sha512').toString(
    'hex',
  );
  const { key, iv } = evpBytesToKey(Buffer.from(passphrase, 'utf8'), parsed.salt);
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, iv);
    plaintext = Buffer.concat([decipher.update(parsed.body), decipher.final()]);
  } catch {
    throw legacyFailed();
  }
  if (plaintext.length === 0) throw legacyFailed();
  try {
    return decodeUtf8Strict(plaintext);
  } catch {
    throw legacyFailed();
  }
}

/**
 * True when `value` has the exact shape of crypto-js passphrase-mode output: canonical base64 of
 * `"Salted__" | 8-byte salt | one or more 16-byte blocks`. Says nothing about whether it will decrypt.
 */
export function isBlockletLegacyCiphertext(value: unknown): boolean {
  return typeof value === 'string' && parseLegacy(value) !== undefined;
}

const PBKDF2_ITERATIONS = 256;
const PBKDF2_BYTES = 32;
const SALTED_MAGIC = Buffer.from('Salted__', 'latin1');
const SALT_BYTES = 8;
const AES_BLOCK_BYTES = 16;
const AES_256_KEY_BYTES = 32;

function parseLegacy(text: string): { salt: Buffer; body: Buffer } | undefined {
  if (typeof text !== 'string' || !text.startsWith('U2FsdGVkX1')) return undefined;
  const raw = decodeBase64Strict(text);
  if (raw === undefined) return undefined;
  const headerBytes = SALTED_MAGIC.length + SALT_BYTES;
  const bodyBytes = raw.length - headerBytes;
  if (!raw.subarray(0, SALTED_MAGIC.length).equals(SALTED_MAGIC)) return undefined;
  if (bodyBytes < AES_BLOCK_BYTES || bodyBytes % AES_BLOCK_BYTES !== 0) return undefined;
  return { salt: raw.subarray(SALTED_MAGIC.length, headerBytes), body: raw.subarray(headerBytes) };
}

/**
 * OpenSSL's EVP_BytesToKey with MD5 and one iteration, as crypto-js's default OpenSSL KDF:
 * D_1 = MD5(password | salt), D_i = MD5(D_{i-1} | password | salt), concatenated until key and IV are filled.
 */
function evpBytesToKey(password: Buffer, salt: Buffer): { key: Buffer; iv: Buffer } {
  const needed = AES_256_KEY_BYTES + AES_BLOCK_BYTES;
  const blocks: Buffer[] = [];
  let total = 0;
  let previous = Buffer.alloc(0);
  while (total < needed) {
    previous = createHash('md5').update(previous).update(password).update(salt).digest();
    blocks.push(previous);
    total += previous.length;
  }
  const derived = Buffer.concat(blocks);
  return { key: derived.subarray(0, AES_256_KEY_BYTES), iv: derived.subarray(AES_256_KEY_BYTES, needed) };
}

function legacyFailed(): DecryptionError {
  return new DecryptionError(
    'legacy_failed',
    'Legacy Blocklet ciphertext could not be decrypted (wrong BLOCKLET_APP_EK / BLOCKLET_DID, or corrupted)',
  );
}
