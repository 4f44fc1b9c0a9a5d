import {
  type CredentialValue,
  SECRET_CREDENTIAL_FIELDS,
  type SecretCredentialField,
} from '../credential-fields';
import { DecryptionError, ValidationError } from '../errors';
import { aadFor } from './aad';
import { keyIdOf } from './envelope';
import { type Keyring } from './keyring';

/** The table name bound into the associated data of every credential secret. */
export const CREDENTIALS_AAD_TABLE = 'credentials';

/**
 * A credential value as stored: the same fields as the {@link CredentialValue}, except that each secret
 * field present holds a v1 envelope string. JSON-safe as long as the plain fields are.
 */
export type StoredCredentialValue = Record<string, unknown>;

/**
 * Encrypts the secret fields (`api_key`, `secret_access_key`) of a credential value, each bound to
 * `credentials:<credentialId>:<field>`, and copies every other field as is (`access_key_id` stays readable
 * so admins can tell credentials apart). A secret field that is present but not a string is refused: it would
 * otherwise be stored in clear. A field set to `undefined` counts as absent.
 */
export function encryptCredentialValue(
  keyring: Keyring,
  credentialId: string,
  value: CredentialValue,
): StoredCredentialValue {
  return mapSecrets(value, (field, secret) => {
    if (typeof secret !== 'string') {
      throw new ValidationError(`Credential field ${field} must be a string`);
    }
    return keyring.encrypt(secret, credentialAad(credentialId, field));
  });
}

/**
 * The inverse of {@link encryptCredentialValue}. A secret field holding anything but an envelope that opens
 * under this credential's id (plain text, a legacy ciphertext, another credential's envelope) throws a
 * `DecryptionError`; nothing is ever passed through unencrypted.
 */
export function decryptCredentialValue(
  keyring: Keyring,
  credentialId: string,
  stored: StoredCredentialValue,
): CredentialValue {
  // Every secret field of the result is a decrypted string; the other fields are copied untouched.
  return mapSecrets(stored, (field, value) => {
    const envelope = requireEnvelopeString(field, value);
    return withField(field, () => keyring.decrypt(envelope, credentialAad(credentialId, field)));
  });
}

/** For rotation: every secret field re-encrypted under the active key (each first authenticated). */
export function reencryptCredentialValue(
  keyring: Keyring,
  credentialId: string,
  stored: StoredCredentialValue,
): StoredCredentialValue {
  return mapSecrets(stored, (field, value) => {
    const envelope = requireEnvelopeString(field, value);
    return withField(field, () => keyring.reencrypt(envelope, credentialAad(credentialId, field)));
  });
}

/**
 * The distinct key ids the secret fields of a stored value are under, in field order. Rotation compares them
 * with `keyring.activeKeyId` to find what still needs re-encrypting. Throws `DecryptionError` when a secret
 * field is not an envelope.
 */
export function credentialValueKeyIds(stored: StoredCredentialValue): string[] {
  const ids = new Set<string>();
  for (const field of SECRET_CREDENTIAL_FIELDS) {
    if (!Object.hasOwn(stored, field) || stored[field] === undefined) continue;
    const envelope = requireEnvelopeString(field, stored[field]);
    ids.add(withField(field, () => keyIdOf(envelope)));
  }
  return [...ids];
}

function credentialAad(credentialId: string, field: SecretCredentialField): string {
  return aadFor(CREDENTIALS_AAD_TABLE, credentialId, field);
}

/** Copies `source`, replacing each present secret field by `transform(field, value)`. Key order is kept. */
function mapSecrets(
  source: Readonly<Record<string, unknown>>,
  transform: (field: SecretCredentialField, value: unknown) => string,
): Record<string, unknown> {
  if (typeof source !== 'object' || source === null || Array.isArray(source)) {
    throw new ValidationError('A credential value must be an object');
  }
  const result: Record<string, unknown> = { ...source };
  for (const field of SECRET_CREDENTIAL_FIELDS) {
    if (!Object.hasOwn(source, field)) continue;
    const value = source[field];
    if (value === undefined) {
      delete result[field];
      continue;
    }
    result[field] = transform(field, value);
  }
  return result;
}

function requireEnvelopeString(field: SecretCredentialField, value: unknown): string {
  if (typeof value !== 'string') {
    throw new DecryptionError('malformed', `Credential field ${field} is not an encrypted value`);
  }
  return value;
}

/** Re-throws a `DecryptionError` with the field name in front, keeping its reason. */
function withField<T>(field: SecretCredentialField, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof DecryptionError) {
      throw new DecryptionError(error.reason, `Credential field ${field}: ${error.message}`);
    }
    throw error;
  }
}
