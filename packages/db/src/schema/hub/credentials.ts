import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { isBoolean, isInteger, isJson, oneOf } from '../checks';
import { createdAt, flag, timestampMs, updatedAt } from '../columns';
import { providers } from './providers';

export const CREDENTIAL_TYPES = ['api_key', 'access_key_pair', 'custom'] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

/** Health as seen by the gateway's failover: `cooling` until `cooldownUntil`, `invalid` until fixed. */
export const CREDENTIAL_STATUSES = ['healthy', 'cooling', 'invalid'] as const;
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];

/**
 * The fields of a credential as stored: secret fields (`api_key`, `secret_access_key`) hold `v1:` envelopes
 * encrypted with associated data bound to this row; `access_key_id` and other identifying fields stay plain.
 */
export type StoredCredentialFields = Record<string, string>;

/** One key (or key pair) for a provider; the gateway picks among a provider's credentials by weight. */
export const credentials = sqliteTable(
  'credentials',
  {
    id: text('id').primaryKey(),
    /** Deleting a provider deletes its credentials: a key without its provider is unusable. */
    providerId: text('provider_id')
      .notNull()
      .references(() => providers.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    type: text('type', { enum: CREDENTIAL_TYPES }).notNull(),
    /** JSON object of fields; secrets inside are encrypted envelopes, never plaintext. */
    value: text('value', { mode: 'json' }).$type<StoredCredentialFields>().notNull(),
    /** Relative share of traffic; 0 keeps the credential configured but never picked. */
    weight: integer('weight').notNull().default(100),
    enabled: flag('enabled', true),
    status: text('status', { enum: CREDENTIAL_STATUSES }).notNull().default('healthy'),
    statusReason: text('status_reason'),
    cooldownUntil: timestampMs('cooldown_until'),
    lastUsedAt: timestampMs('last_used_at'),
    lastErrorAt: timestampMs('last_error_at'),
    usageCount: integer('usage_count').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('credentials_provider_id_idx').on(t.providerId),
    check('credentials_type_check', oneOf(t.type, CREDENTIAL_TYPES)),
    check('credentials_status_check', oneOf(t.status, CREDENTIAL_STATUSES)),
    check('credentials_value_check', isJson(t.value)),
    check('credentials_weight_check', isInteger(t.weight, 0)),
    check('credentials_usage_count_check', isInteger(t.usageCount, 0)),
    check('credentials_enabled_check', isBoolean(t.enabled)),
  ],
);

export type Credential = typeof credentials.$inferSelect;
export type NewCredential = typeof credentials.$inferInsert;
