import type { ModelRate } from '@aigne-hub/db';

/** A rate as the API shows it: credits per token, as stored (REAL; converted to micro-credits only when charged). */
export function modelRateView(rate: ModelRate) {
  return {
    id: rate.id,
    provider: rate.provider,
    model: rate.model,
    type: rate.type,
    inputRate: rate.inputRate,
    outputRate: rate.outputRate,
    cacheReadRate: rate.cacheReadRate,
    cacheWriteRate: rate.cacheWriteRate,
    enabled: rate.enabled,
    deprecated: rate.deprecated,
    createdAt: rate.createdAt.toISOString(),
    updatedAt: rate.updatedAt.toISOString(),
  };
}

export type ModelRateView = ReturnType<typeof modelRateView>;

/** The priced fields, for audit before/after pictures. */
export function rateFields(rate: ModelRate) {
  return {
    inputRate: rate.inputRate,
    outputRate: rate.outputRate,
    cacheReadRate: rate.cacheReadRate,
    cacheWriteRate: rate.cacheWriteRate,
    enabled: rate.enabled,
    deprecated: rate.deprecated,
  };
}
