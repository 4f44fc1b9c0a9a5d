/**
 * Re-encrypting every stored secret under the keyring's active key: the heart of `keys rotate`.
 *
 * Secrets live in two places: the secret fields of each credential (`credentials.value`, bound to the
 * credential id) and the hub's own `system_secrets`. Values already under the active key are left alone, so
 * running it twice is harmless and an interrupted rotation can simply be run again.
 */
import {
  DecryptionError,
  SECRET_CREDENTIAL_FIELDS,
  ValidationError,
  credentialValueKeyIds,
  keyIdOf,
  reencryptCredentialValue,
  type Keyring,
  type StoredCredentialValue,
} from '@aigne-hub/core';
import {
  credentials,
  eq,
  systemSecrets,
  type HubDatabase,
  type HubTransaction,
  type StoredCredentialFields,
} from '@aigne-hub/db';
import { readSystemSecret, reencryptSystemSecrets } from './system-secrets';

export interface ReencryptionCounts {
  /** Credentials whose secrets were (or would be) rewritten. */
  credentialCount: number;
  /** Secret fields in those credentials. */
  credentialFieldCount: number;
  /** Credentials already under the active key, or without secret fields. */
  unchangedCredentialCount: number;
  /** System secrets rewritten. */
  systemSecretCount: number;
  /** The key ids the rewritten values were under, sorted. */
  fromKeyIds: string[];
}

/**
 * Rewrites, inside `tx`, every credential secret field and every system secret that is not under the active
 * key. Each value is authenticated before it is re-encrypted; the first one that does not open throws (naming
 * the credential or secret, never its content) and the caller's transaction rolls back with nothing changed.
 *
 * A credential's `updated_at` is kept: rotation changes how a secret is stored, not the credential itself.
 */
export function reencryptAllSecrets(tx: HubTransaction, keyring: Keyring): ReencryptionCounts {
  return walk(tx, keyring, true);
}

/**
 * The same walk without writing anything: proves that every secret opens under `keyring` and counts what a
 * rotation to its active key would rewrite. `keys rotate` runs it before touching the key file, so a data folder
 * with an unreadable secret is reported while nothing has changed yet.
 */
export function checkAllSecrets(db: HubDatabase | HubTransaction, keyring: Keyring): ReencryptionCounts {
  return walk(db, keyring, false);
}

function walk(tx: HubDatabase | HubTransaction, keyring: Keyring, write: boolean): ReencryptionCounts {
  const counts: ReencryptionCounts = {
    credentialCount: 0,
    credentialFieldCount: 0,
    unchangedCredentialCount: 0,
    systemSecretCount: 0,
    fromKeyIds: [],
  };
  const fromKeyIds = new Set<string>();
  const rows = tx
    .select({ id: credentials.id, value: credentials.value, updatedAt: credentials.updatedAt })
    .from(credentials)
    .all();
  for (const row of rows) {
    const stored = row.value as StoredCredentialValue;
    const keyIds = about(`credential ${row.id}`, () => credentialValueKeyIds(stored));
    if (keyIds.every((id) => id === keyring.activeKeyId)) {
      counts.unchangedCredentialCount += 1;
      continue;
    }
    const next = about(`credential ${row.id}`, () => reencryptCredentialValue(keyring, row.id, stored));
    if (write) {
      tx.update(credentials)
        .set({ value: next as StoredCredentialFields, updatedAt: row.updatedAt })
        .where(eq(credentials.id, row.id))
        .run();
    }
    for (const id of keyIds) if (id !== keyring.activeKeyId) fromKeyIds.add(id);
    counts.credentialCount += 1;
    counts.credentialFieldCount += SECRET_CREDENTIAL_FIELDS.filter(
      (field) => typeof stored[field] === 'string',
    ).length;
  }

  const pending = tx
    .select({ name: systemSecrets.name, value: systemSecrets.value })
    .from(systemSecrets)
    .all()
    .filter((row) => about(`system secret ${row.name}`, () => !keyring.isUnderActiveKey(row.value)));
  for (const row of pending) {
    fromKeyIds.add(keyIdOf(row.value));
    // Authenticates it under its row, exactly as the rewrite below will.
    about(`system secret ${row.name}`, () => readSystemSecret(tx, keyring, row.name));
  }
  counts.systemSecretCount = write
    ? about('system secrets', () => reencryptSystemSecrets(tx as HubTransaction, keyring))
    : pending.length;
  counts.fromKeyIds = [...fromKeyIds].sort();
  return counts;
}

/** Runs `fn`, putting `what` in front of a decryption or validation error (whose messages carry no secret). */
function about<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof DecryptionError) {
      throw new DecryptionError(error.reason, `${what}: ${error.message}`);
    }
    if (error instanceof ValidationError) throw new ValidationError(`${what}: ${error.message}`);
    throw error;
  }
}
