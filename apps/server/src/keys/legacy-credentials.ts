/**
 * Credentials in this hub's own `credentials` table whose secret fields still hold @blocklet/sdk ciphertext
 * (copied over from an AIGNE Hub by hand or by an older tool): each such field is decrypted with the legacy
 * reader and re-encrypted at once into a v1 envelope bound to its credential.
 */
import {
  CREDENTIALS_AAD_TABLE,
  SECRET_CREDENTIAL_FIELDS,
  aadFor,
  isBlockletLegacyCiphertext,
  type Keyring,
  type SecretCredentialField,
} from '@aigne-hub/core';
import { credentials, eq, type HubTransaction, type StoredCredentialFields } from '@aigne-hub/db';
import { openLegacySecret, type LegacyKey, type LegacyOpenFailure } from './legacy-secret';

/** A secret that could not be imported: which credential and field, and why. Never its content. */
export interface LegacyFailure {
  credentialId: string;
  /** Null when the credential's whole value is unreadable (not a JSON object). */
  field: SecretCredentialField | null;
  reason: LegacyOpenFailure | 'unreadable_value';
}

export interface LegacyReencryptResult {
  /** Credentials rewritten. */
  credentialIds: string[];
  /** Secret fields rewritten in them. */
  fieldCount: number;
  /** Credentials with a field that did not open are left exactly as they were, and listed here. */
  failures: LegacyFailure[];
}

/**
 * Inside `tx`: re-encrypts every legacy secret field of every credential. A credential is rewritten only if
 * all of its legacy fields open; otherwise it is left untouched and its failures are reported. The caller
 * decides whether a failure aborts the whole transaction.
 */
export function reencryptLegacyCredentials(
  tx: HubTransaction,
  keyring: Keyring,
  legacy: LegacyKey,
): LegacyReencryptResult {
  const result: LegacyReencryptResult = { credentialIds: [], fieldCount: 0, failures: [] };
  const rows = tx
    .select({ id: credentials.id, value: credentials.value, updatedAt: credentials.updatedAt })
    .from(credentials)
    .all();
  for (const row of rows) {
    const stored = row.value as Record<string, unknown>;
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) continue;
    const legacyFields = SECRET_CREDENTIAL_FIELDS.filter((field) =>
      isBlockletLegacyCiphertext(stored[field]),
    );
    if (legacyFields.length === 0) continue;
    const next: Record<string, unknown> = { ...stored };
    const failures: LegacyFailure[] = [];
    for (const field of legacyFields) {
      const opened = openLegacySecret(stored[field] as string, legacy);
      if (!opened.ok) {
        failures.push({ credentialId: row.id, field, reason: opened.reason });
        continue;
      }
      next[field] = keyring.encrypt(opened.secret, aadFor(CREDENTIALS_AAD_TABLE, row.id, field));
    }
    if (failures.length > 0) {
      result.failures.push(...failures);
      continue;
    }
    tx.update(credentials)
      .set({ value: next as StoredCredentialFields, updatedAt: row.updatedAt })
      .where(eq(credentials.id, row.id))
      .run();
    result.credentialIds.push(row.id);
    result.fieldCount += legacyFields.length;
  }
  return result;
}
