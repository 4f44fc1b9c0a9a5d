import { DecryptionError } from '../errors';
import { decodeBase64UrlStrict, encodeBase64Url } from './encoding';

/**
 * The text form of a stored secret: `v1:<keyId>:<base64url(nonce | ciphertext | tag)>`.
 *
 * The version comes first so that a future format can be told apart without guessing; the key id is in the
 * clear so that rotation can find what is not yet under the active key without decrypting anything. The
 * payload is unpadded base64url, so an envelope contains no character that needs escaping in JSON, SQL or a
 * URL.
 */
export const ENVELOPE_VERSION = 'v1';
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;

/** A key id is the first 8 hex characters of SHA-256 of the key: short, lowercase, not secret. */
const KEY_ID = /^[0-9a-f]{8}$/;
/** Anything shaped like a version tag (`v2`, `v10`) that is not ours is reported as an unknown version. */
const VERSION_TAG = /^v[0-9]+$/;

export interface EnvelopeParts {
  keyId: string;
  nonce: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

export function formatEnvelope(
  keyId: string,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
): string {
  const payload = Buffer.concat([nonce, ciphertext, tag]);
  return `${ENVELOPE_VERSION}:${keyId}:${encodeBase64Url(payload)}`;
}

/**
 * Splits an envelope into its parts, checking only its shape (no key is involved). Throws `DecryptionError`
 * with reason `unknown_version` or `malformed`; the message never repeats the envelope itself.
 */
export function parseEnvelope(envelope: string): EnvelopeParts {
  if (typeof envelope !== 'string') {
    throw new DecryptionError('malformed', 'Encrypted value is not a string');
  }
  const parts = envelope.split(':');
  const version = parts[0] ?? '';
  if (version !== ENVELOPE_VERSION) {
    if (parts.length > 1 && VERSION_TAG.test(version)) {
      throw new DecryptionError('unknown_version', `Encrypted value has unknown format version "${version}"`);
    }
    throw new DecryptionError(
      'malformed',
      'Encrypted value is not an envelope (expected "v1:<keyId>:<payload>")',
    );
  }
  const [, keyId, payloadText] = parts;
  if (parts.length !== 3 || keyId === undefined || payloadText === undefined) {
    throw new DecryptionError(
      'malformed',
      'Encrypted value does not have three parts "v1:<keyId>:<payload>"',
    );
  }
  if (!KEY_ID.test(keyId)) {
    throw new DecryptionError('malformed', 'Encrypted value has a malformed key id');
  }
  const payload = decodeBase64UrlStrict(payloadText);
  if (payload === undefined) {
    throw new DecryptionError('malformed', 'Encrypted value payload is not valid base64url');
  }
  if (payload.length < NONCE_BYTES + TAG_BYTES) {
    throw new DecryptionError('malformed', 'Encrypted value payload is too short (truncated)');
  }
  return {
    keyId,
    nonce: payload.subarray(0, NONCE_BYTES),
    ciphertext: payload.subarray(NONCE_BYTES, payload.length - TAG_BYTES),
    tag: payload.subarray(payload.length - TAG_BYTES),
  };
}

/** The id of the key an envelope was written under. Throws like {@link parseEnvelope} when it is malformed. */
export function keyIdOf(envelope: string): string {
  return parseEnvelope(envelope).keyId;
}
