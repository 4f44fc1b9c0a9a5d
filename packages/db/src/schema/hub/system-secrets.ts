import { sql } from 'drizzle-orm';
import { check, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { createdAt, updatedAt } from '../columns';

/**
 * Secrets the hub itself needs (the audit trail's HMAC key, the one-time owner setup code), each stored as
 * an encrypted envelope bound to its row (`system_secrets:<name>:value`). Master-key rotation re-encrypts
 * these together with the credentials.
 */
export const systemSecrets = sqliteTable(
  'system_secrets',
  {
    name: text('name').primaryKey(),
    /** `v1:<keyId>:...` envelope; never a plaintext. */
    value: text('value').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [check('system_secrets_value_check', sqlEnvelope(t.value.name))],
);

function sqlEnvelope(column: string) {
  return sql`${sql.identifier(column)} like 'v1:%'`;
}

export type SystemSecret = typeof systemSecrets.$inferSelect;
export type NewSystemSecret = typeof systemSecrets.$inferInsert;
