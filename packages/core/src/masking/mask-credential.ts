import { SECRET_CREDENTIAL_FIELDS, type CredentialValue } from '../credential-fields';
import { SECRET_MASK, maskSecret } from './mask-secret';

/**
 * A credential as it may leave the server: every secret field (`SECRET_CREDENTIAL_FIELDS`) masked with
 * `maskSecret`, every other field (`access_key_id`, region, account id...) as it was, so admins can still tell
 * credentials apart. Returns a new object and never mutates `value` (it is often the decrypted value that is
 * about to be used for an upstream call). The copy is shallow: plain fields that hold objects are shared.
 *
 * A secret field that is present but not a string (corrupt or hand-edited data) becomes the bare mask rather
 * than being passed through: whatever it is, it was stored in a secret slot.
 */
export function maskCredentialValue(value: CredentialValue): CredentialValue {
  const masked: CredentialValue = { ...value };
  for (const field of SECRET_CREDENTIAL_FIELDS) {
    const secret: unknown = value[field];
    if (typeof secret === 'string') {
      masked[field] = maskSecret(secret);
    } else if (secret !== undefined && secret !== null) {
      masked[field] = SECRET_MASK;
    }
  }
  return masked;
}
