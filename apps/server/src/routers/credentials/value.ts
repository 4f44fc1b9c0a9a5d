/**
 * Credential values between the API and the database: built and patched as encrypted stored values (each
 * secret field bound to the credential's id), checked against what the provider kind needs, and shown only
 * masked. Plaintext exists here only in memory, on the way in (input) or on the way to a mask.
 */
import {
  DecryptionError,
  decryptCredentialValue,
  encryptCredentialValue,
  isSecretCredentialField,
  maskCredentialValue,
  SECRET_CREDENTIAL_FIELDS,
  SECRET_MASK,
  ValidationError,
  type Keyring,
  type SecretCredentialField,
} from '@aigne-hub/core';
import type { StoredCredentialFields } from '@aigne-hub/db';
import type { ProviderCredentialType } from '../../providers/index';
import type { CredentialValueInput, CredentialValuePatch } from './fields';

const REQUIRED: Readonly<Record<ProviderCredentialType, readonly string[]>> = {
  api_key: ['api_key'],
  access_key_pair: ['access_key_id', 'secret_access_key'],
};

/** Fields of the other type: refused rather than stored, so no unused secret sits in the database. */
const FOREIGN: Readonly<Record<ProviderCredentialType, readonly string[]>> = {
  api_key: ['access_key_id', 'secret_access_key'],
  access_key_pair: ['api_key'],
};

const TYPE_LABEL: Readonly<Record<ProviderCredentialType, string>> = {
  api_key: 'An API key credential',
  access_key_pair: 'An access key pair credential',
};

function refuseForeign(type: ProviderCredentialType, given: Readonly<Record<string, unknown>>): void {
  for (const field of FOREIGN[type]) {
    if (given[field] !== undefined) throw new ValidationError(`${TYPE_LABEL[type]} has no ${field}`);
  }
}

function requireFields(type: ProviderCredentialType, value: Readonly<Record<string, unknown>>): void {
  const missing = REQUIRED[type].filter((field) => typeof value[field] !== 'string' || value[field] === '');
  if (missing.length > 0) throw new ValidationError(`${TYPE_LABEL[type]} needs ${missing.join(' and ')}`);
}

/** The stored (encrypted) value of a new credential. */
export function storedValueForCreate(
  keyring: Keyring,
  credentialId: string,
  type: ProviderCredentialType,
  input: CredentialValueInput,
): StoredCredentialFields {
  refuseForeign(type, input);
  requireFields(type, input);
  return encryptCredentialValue(keyring, credentialId, input) as StoredCredentialFields;
}

/**
 * The stored value after `patch`: secret fields given are encrypted afresh, the others keep their stored
 * envelopes untouched (so an update that changes only a plain field never needs to decrypt anything).
 */
export function storedValueForUpdate(
  keyring: Keyring,
  credentialId: string,
  type: ProviderCredentialType,
  stored: StoredCredentialFields,
  patch: CredentialValuePatch,
): { value: StoredCredentialFields; replacedSecrets: SecretCredentialField[]; changedFields: string[] } {
  refuseForeign(type, patch);
  const next: StoredCredentialFields = { ...stored };
  const replacedSecrets: SecretCredentialField[] = [];
  const changedFields: string[] = [];
  for (const [field, given] of Object.entries(patch)) {
    if (given === undefined) continue;
    if (isSecretCredentialField(field)) {
      next[field] = encryptCredentialValue(keyring, credentialId, { [field]: given })[field] as string;
      replacedSecrets.push(field);
      changedFields.push(field);
    } else if (given === null) {
      if (field in next) changedFields.push(field);
      delete next[field];
    } else {
      if (next[field] !== given) changedFields.push(field);
      next[field] = given;
    }
  }
  requireFields(type, next);
  return { value: next, replacedSecrets, changedFields };
}

export type MaskedCredentialValue = Record<string, string>;

/**
 * What may be shown of a stored value: decrypted in memory and masked. A value that does not decrypt (wrong
 * or missing master key, a tampered row) is shown as an error with every secret field as the bare mask,
 * never as its stored text.
 */
export function maskedValue(
  keyring: Keyring,
  credentialId: string,
  stored: StoredCredentialFields,
): { value: MaskedCredentialValue; valueError: string | null } {
  try {
    const masked = maskCredentialValue(decryptCredentialValue(keyring, credentialId, stored));
    return { value: masked as MaskedCredentialValue, valueError: null };
  } catch (error) {
    if (!(error instanceof DecryptionError)) throw error;
    const opaque: MaskedCredentialValue = { ...stored };
    for (const field of SECRET_CREDENTIAL_FIELDS) if (field in opaque) opaque[field] = SECRET_MASK;
    return {
      value: opaque,
      valueError: `The secret cannot be decrypted with the configured keys (${error.reason}); enter it again`,
    };
  }
}
