/**
 * The hub's own secrets (`system_secrets`), each an envelope bound to its row. Today: the audit HMAC key
 * (created once, kept across master-key rotations) and the one-time owner setup code.
 */
import { randomBytes } from 'node:crypto';
import { aadFor, type Keyring } from '@aigne-hub/core';
import { eq, systemSecrets, type HubDatabase, type HubTransaction } from '@aigne-hub/db';

export const AUDIT_KEY_SECRET = 'audit_hmac_key';
export const SETUP_CODE_SECRET = 'owner_setup_code';

const aad = (name: string) => aadFor('system_secrets', name, 'value');

export function readSystemSecret(
  tx: HubDatabase | HubTransaction,
  keyring: Keyring,
  name: string,
): string | null {
  const row = tx.select().from(systemSecrets).where(eq(systemSecrets.name, name)).get();
  return row ? keyring.decrypt(row.value, aad(name)) : null;
}

export function writeSystemSecret(
  tx: HubDatabase | HubTransaction,
  keyring: Keyring,
  name: string,
  value: string,
): void {
  const envelope = keyring.encrypt(value, aad(name));
  tx.insert(systemSecrets)
    .values({ name, value: envelope })
    .onConflictDoUpdate({ target: systemSecrets.name, set: { value: envelope, updatedAt: new Date() } })
    .run();
}

export function deleteSystemSecret(tx: HubDatabase | HubTransaction, name: string): boolean {
  return tx.delete(systemSecrets).where(eq(systemSecrets.name, name)).run().changes > 0;
}

/** Re-encrypts every system secret under the active key; returns how many were rewritten. */
export function reencryptSystemSecrets(tx: HubTransaction, keyring: Keyring): number {
  let count = 0;
  for (const row of tx.select().from(systemSecrets).all()) {
    if (keyring.isUnderActiveKey(row.value)) continue;
    tx.update(systemSecrets)
      .set({ value: keyring.reencrypt(row.value, aad(row.name)), updatedAt: new Date() })
      .where(eq(systemSecrets.name, row.name))
      .run();
    count += 1;
  }
  return count;
}

/**
 * The audit HMAC key: read it, or create it on the hub's first start. A DecryptionError here means the
 * configured master keys are not the ones this data folder was written with, and start-up must stop.
 */
export function loadOrCreateAuditKey(db: HubDatabase, keyring: Keyring): { key: Buffer; created: boolean } {
  return db.transaction(
    (tx) => {
      const existing = readSystemSecret(tx, keyring, AUDIT_KEY_SECRET);
      if (existing !== null) return { key: Buffer.from(existing, 'base64url'), created: false };
      const key = randomBytes(32);
      writeSystemSecret(tx, keyring, AUDIT_KEY_SECRET, key.toString('base64url'));
      return { key, created: true };
    },
    { behavior: 'immediate' },
  );
}
