import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { isInteger, isJson } from '../checks';
import { createdAt, timestampMs } from '../columns';
import { users } from './users';

/**
 * Hub API keys. Only a hash of the secret is stored; `prefix` and `last4` let a person recognise a key in
 * a list without the hub ever holding it.
 */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    /** A key acts as its user; it cannot outlive them, so deleting the user deletes their keys. */
    userDid: text('user_did')
      .notNull()
      .references(() => users.did, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    last4: text('last4').notNull(),
    /** Hash of the current secret; the lookup key on every API request. */
    hash: text('hash').notNull().unique(),
    /**
     * Rotation grace: the hash of the secret this key had before its last rotation, accepted until
     * `previousHashExpiresAt` so that deployed clients can be updated without downtime.
     * Unique so that a presented secret resolves to at most one key through either column.
     */
    previousHash: text('previous_hash').unique(),
    previousHashExpiresAt: timestampMs('previous_hash_expires_at'),
    /** JSON array of scope names. */
    scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull().default([]),
    /** JSON array of `provider/model` names (patterns interpreted by the app); NULL means no restriction. */
    allowedModels: text('allowed_models', { mode: 'json' }).$type<string[]>(),
    /** JSON array of CIDRs; NULL means any address. */
    allowedIps: text('allowed_ips', { mode: 'json' }).$type<string[]>(),
    /** NULL means the hub-wide default applies. */
    rateLimitPerMinute: integer('rate_limit_per_minute'),
    expiresAt: timestampMs('expires_at'),
    revokedAt: timestampMs('revoked_at'),
    lastUsedAt: timestampMs('last_used_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('api_keys_user_did_idx').on(t.userDid),
    check('api_keys_scopes_check', isJson(t.scopes)),
    check('api_keys_allowed_models_check', isJson(t.allowedModels)),
    check('api_keys_allowed_ips_check', isJson(t.allowedIps)),
    check('api_keys_rate_limit_check', isInteger(t.rateLimitPerMinute, 1)),
    // A previous hash without an expiry would be a second secret that never stops working.
    check(
      'api_keys_previous_hash_check',
      sql`(${sql.identifier(t.previousHash.name)} is null) = (${sql.identifier(t.previousHashExpiresAt.name)} is null)`,
    ),
  ],
);

export type ApiKey = typeof apiKeys.$inferSelect;
export type NewApiKey = typeof apiKeys.$inferInsert;
