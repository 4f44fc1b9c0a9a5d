/**
 * Field rules shared by the credentials schemas. A credential value is `{ api_key?, access_key_id?,
 * secret_access_key?, ...plain fields }`; which of the three a credential needs depends on its provider's
 * kind and is checked in value.ts. Messages name rules and fields, never values.
 */
import { isSecretFieldName, redactText, SECRET_CREDENTIAL_FIELDS } from '@aigne-hub/core';
import { z } from 'zod';

export const credentialId = z.string().trim().min(1, 'an id is required').max(100);

export const credentialName = z
  .string()
  .trim()
  .min(1, 'a name is required')
  .max(100, 'at most 100 characters');

/** Relative share of traffic among the provider's credentials. */
export const weight = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(1000, 'must be at most 1000');

/** Pasted keys often carry a trailing newline; it is never part of a key. */
const secretText = z.string().trim().min(1, 'must not be empty').max(4096, 'at most 4096 characters');

const accessKeyId = z
  .string()
  .trim()
  .regex(/^[A-Z0-9]{16,128}$/, 'must be an AWS access key id (16 to 128 uppercase letters and digits)');

const plainText = z.string().max(1000, 'at most 1000 characters');

const KNOWN_FIELDS: ReadonlySet<string> = new Set(['api_key', 'access_key_id', 'secret_access_key']);
const FIELD_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_PLAIN_FIELDS = 20;
const ENCRYPTED = `only ${SECRET_CREDENTIAL_FIELDS.join(' and ')} are stored encrypted`;

/** `key`, `openai_key`, `keys`: names core's secret-name rule leaves alone, but here they would hold keys. */
const KEY_NAME = /(?:^|_)keys?$/;

/**
 * Extra (plain) fields are stored in clear, so a secret must never land in one by mistake (`apikey`,
 * `key`, a pasted `sk-...` under `note`). Refused: names that say they hold a secret or a key, and values
 * that core's redactor would mask. Only `api_key` and `secret_access_key` are encrypted.
 */
function checkPlainFields(value: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const extra = Object.keys(value).filter((field) => !KNOWN_FIELDS.has(field));
  if (extra.length > MAX_PLAIN_FIELDS) {
    ctx.addIssue({ code: 'custom', message: `at most ${MAX_PLAIN_FIELDS} extra fields` });
  }
  for (const field of extra) {
    if (!FIELD_NAME.test(field)) {
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: 'field names are lowercase letters, digits and "_", starting with a letter',
      });
    } else if (isSecretFieldName(field) || KEY_NAME.test(field)) {
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `looks like a secret but would be stored in clear; ${ENCRYPTED}`,
      });
    } else if (typeof value[field] === 'string' && redactText(value[field]) !== value[field]) {
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `holds something that looks like a key or token; ${ENCRYPTED}`,
      });
    }
  }
}

/** A whole value, as given on create. */
export const credentialValue = z
  .object({
    api_key: secretText.optional(),
    access_key_id: accessKeyId.optional(),
    secret_access_key: secretText.optional(),
  })
  .catchall(plainText)
  .superRefine(checkPlainFields);

/**
 * A change to a value, as given on update: a secret field given replaces the stored one (re-encrypted), one
 * omitted keeps it; a plain field given replaces it, `null` removes it.
 */
export const credentialValuePatch = z
  .object({
    api_key: secretText.optional(),
    access_key_id: accessKeyId.optional(),
    secret_access_key: secretText.optional(),
  })
  .catchall(plainText.nullable())
  .superRefine(checkPlainFields);

export type CredentialValueInput = z.infer<typeof credentialValue>;
export type CredentialValuePatch = z.infer<typeof credentialValuePatch>;
