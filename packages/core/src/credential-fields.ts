/**
 * The fields of a credential value that are secret. Only these are encrypted at rest and masked on the way
 * out; `access_key_id` stays plain so that an admin can tell credentials apart.
 */
export const SECRET_CREDENTIAL_FIELDS = ['api_key', 'secret_access_key'] as const;

export type SecretCredentialField = (typeof SECRET_CREDENTIAL_FIELDS)[number];

/** A credential as an admin enters it; providers may need further plain fields (region, account id...). */
export interface CredentialValue {
  api_key?: string;
  access_key_id?: string;
  secret_access_key?: string;
  [field: string]: unknown;
}

export function isSecretCredentialField(field: string): field is SecretCredentialField {
  return (SECRET_CREDENTIAL_FIELDS as readonly string[]).includes(field);
}
