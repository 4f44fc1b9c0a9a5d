import { check, real, sqliteTable, text, unique } from 'drizzle-orm/sqlite-core';
import { isBoolean, isNonNegativeReal, oneOf } from '../checks';
import { createdAt, flag, updatedAt } from '../columns';

export const MODEL_TYPES = ['chat', 'embedding', 'image'] as const;
export type ModelType = (typeof MODEL_TYPES)[number];

/**
 * Price list. Rates are REAL credits per token (they are tiny fractions); the cost of a request is
 * converted once to integer micro-credits when it is charged, so balances stay exact.
 * `provider` is the provider's `name` slug, not a foreign key: rates may be loaded before a provider is
 * configured and survive its removal.
 */
export const modelRates = sqliteTable(
  'model_rates',
  {
    id: text('id').primaryKey(),
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    type: text('type', { enum: MODEL_TYPES }).notNull(),
    /** Credits per input token. */
    inputRate: real('input_rate').notNull(),
    /** Credits per output token. */
    outputRate: real('output_rate').notNull(),
    /** Credits per cached input token read; NULL when the model has no cache pricing. */
    cacheReadRate: real('cache_read_rate'),
    /** Credits per input token written to the cache; NULL when the model has no cache pricing. */
    cacheWriteRate: real('cache_write_rate'),
    enabled: flag('enabled', true),
    deprecated: flag('deprecated', false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('model_rates_provider_model_type_unique').on(t.provider, t.model, t.type),
    check('model_rates_type_check', oneOf(t.type, MODEL_TYPES)),
    check('model_rates_input_rate_check', isNonNegativeReal(t.inputRate)),
    check('model_rates_output_rate_check', isNonNegativeReal(t.outputRate)),
    check('model_rates_cache_read_rate_check', isNonNegativeReal(t.cacheReadRate)),
    check('model_rates_cache_write_rate_check', isNonNegativeReal(t.cacheWriteRate)),
    check('model_rates_enabled_check', isBoolean(t.enabled)),
    check('model_rates_deprecated_check', isBoolean(t.deprecated)),
  ],
);

export type ModelRate = typeof modelRates.$inferSelect;
export type NewModelRate = typeof modelRates.$inferInsert;
