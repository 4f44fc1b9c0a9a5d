/**
 * Rows read with the prepared statements of the hot path (db/prepared.ts), mapped to the same types drizzle
 * returns, so that the rest of the code does not care which way a row was read.
 */
import type { Credential, ModelRate, Provider } from '@aigne-hub/db';
import { dateOf } from './prepared';

type Row = Record<string, unknown>;

export function providerFromRow(row: Row): Provider {
  return {
    id: row.id as string,
    kind: row.kind as Provider['kind'],
    name: row.name as string,
    displayName: row.display_name as string,
    baseUrl: row.base_url as string | null,
    region: row.region as string | null,
    enabled: row.enabled === 1,
    createdAt: new Date(row.created_at as number),
    updatedAt: new Date(row.updated_at as number),
  };
}

export function modelRateFromRow(row: Row): ModelRate {
  return {
    id: row.id as string,
    provider: row.provider as string,
    model: row.model as string,
    type: row.type as ModelRate['type'],
    inputRate: row.input_rate as number,
    outputRate: row.output_rate as number,
    cacheReadRate: row.cache_read_rate as number | null,
    cacheWriteRate: row.cache_write_rate as number | null,
    enabled: row.enabled === 1,
    deprecated: row.deprecated === 1,
    createdAt: new Date(row.created_at as number),
    updatedAt: new Date(row.updated_at as number),
  };
}

export function credentialFromRow(row: Row): Credential {
  return {
    id: row.id as string,
    providerId: row.provider_id as string,
    name: row.name as string,
    type: row.type as Credential['type'],
    value: JSON.parse(row.value as string) as Credential['value'],
    weight: row.weight as number,
    enabled: row.enabled === 1,
    status: row.status as Credential['status'],
    statusReason: row.status_reason as string | null,
    cooldownUntil: dateOf(row.cooldown_until),
    lastUsedAt: dateOf(row.last_used_at),
    lastErrorAt: dateOf(row.last_error_at),
    usageCount: row.usage_count as number,
    createdAt: new Date(row.created_at as number),
    updatedAt: new Date(row.updated_at as number),
  };
}

/** Splits the prefixed columns of a join (`p_name`, `r_model`...) into one row per table. */
export function columnsWithPrefix(row: Row, prefix: string): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row))
    if (key.startsWith(prefix)) out[key.slice(prefix.length)] = value;
  return out;
}
