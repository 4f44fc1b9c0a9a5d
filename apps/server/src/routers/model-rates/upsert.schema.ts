import { MODEL_TYPES } from '@aigne-hub/db';
import { z } from 'zod';
import { modelName, providerName, rate } from './fields';

/**
 * Sets the rate of (provider, model, type), creating it if needed. Rates are credits per token. Optional
 * fields omitted keep their current value (for a new rate: no cache pricing, enabled, not deprecated).
 */
export const upsertModelRateInput = z
  .object({
    provider: providerName,
    model: modelName,
    type: z.enum(MODEL_TYPES, { message: `must be one of ${MODEL_TYPES.join(', ')}` }),
    inputRate: rate,
    outputRate: rate,
    /** null: the model has no cache pricing. */
    cacheReadRate: rate.nullable().optional(),
    cacheWriteRate: rate.nullable().optional(),
    enabled: z.boolean().optional(),
    deprecated: z.boolean().optional(),
  })
  .strict();

export type UpsertModelRateInput = z.infer<typeof upsertModelRateInput>;
