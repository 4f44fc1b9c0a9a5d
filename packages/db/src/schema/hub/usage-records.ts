import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { isInteger, oneOf } from '../checks';
import { microCredits, timestampMs } from '../columns';
import { MODEL_TYPES } from './model-rates';

export const USAGE_STATUSES = ['success', 'error', 'aborted'] as const;
export type UsageStatus = (typeof USAGE_STATUSES)[number];

/** The gateway endpoint families; the same vocabulary as model types. */
export const USAGE_ENDPOINTS = MODEL_TYPES;
export type UsageEndpoint = (typeof USAGE_ENDPOINTS)[number];

/**
 * One metered AI request. A history table: user, key and credential are plain ids without foreign keys,
 * so that revoking or deleting a key or credential never rewrites or blocks the usage history.
 */
export const usageRecords = sqliteTable(
  'usage_records',
  {
    id: text('id').primaryKey(),
    ts: timestampMs('ts').notNull(),
    userDid: text('user_did').notNull(),
    /** NULL when the request came from a browser session (the Playground) rather than an API key. */
    apiKeyId: text('api_key_id'),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    /** NULL when the request failed before a credential was chosen. */
    credentialId: text('credential_id'),
    endpoint: text('endpoint', { enum: USAGE_ENDPOINTS }).notNull(),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    cacheReadTokens: integer('cache_read_tokens').notNull().default(0),
    cacheWriteTokens: integer('cache_write_tokens').notNull().default(0),
    /** Cost charged, in INTEGER micro-credits (1 credit = 1,000,000) so that sums are exact. */
    credits: microCredits('credits').default(0),
    latencyMs: integer('latency_ms'),
    status: text('status', { enum: USAGE_STATUSES }).notNull(),
    errorKind: text('error_kind'),
    requestId: text('request_id'),
  },
  (t) => [
    index('usage_records_ts_idx').on(t.ts),
    index('usage_records_user_did_ts_idx').on(t.userDid, t.ts),
    index('usage_records_api_key_id_ts_idx').on(t.apiKeyId, t.ts),
    index('usage_records_provider_model_ts_idx').on(t.provider, t.model, t.ts),
    check('usage_records_endpoint_check', oneOf(t.endpoint, USAGE_ENDPOINTS)),
    check('usage_records_status_check', oneOf(t.status, USAGE_STATUSES)),
    check('usage_records_input_tokens_check', isInteger(t.inputTokens, 0)),
    check('usage_records_output_tokens_check', isInteger(t.outputTokens, 0)),
    check('usage_records_cache_read_tokens_check', isInteger(t.cacheReadTokens, 0)),
    check('usage_records_cache_write_tokens_check', isInteger(t.cacheWriteTokens, 0)),
    check('usage_records_credits_check', isInteger(t.credits, 0)),
    check('usage_records_latency_ms_check', isInteger(t.latencyMs, 0)),
  ],
);

export type UsageRecord = typeof usageRecords.$inferSelect;
export type NewUsageRecord = typeof usageRecords.$inferInsert;
