/**
 * Reading providers, credentials and model rates out of an existing AIGNE Hub's SQLite database, for
 * `aigne-hub keys import-blocklet --from <file>`.
 *
 * What AIGNE Hub stores (blocklets/core/api/src/store in AIGNE-io/aigne-hub; Sequelize over SQLite, the file
 * is `<blocklet data dir>/aikit.db`):
 * - `AiProviders`: id, name (the provider type: openai, anthropic, bedrock, ...; unique), displayName, baseUrl,
 *   region, enabled, config (JSON), createdAt, updatedAt, createdBy;
 * - `AiCredentials`: id, providerId, name, credentialValue (JSON text: `api_key` and `secret_access_key` hold
 *   @blocklet/sdk `security.encrypt` ciphertext, `access_key_id` is plain), credentialType (api_key,
 *   access_key_pair, custom), active, weight, usageCount, lastUsedAt, error, createdAt, updatedAt;
 * - `AiModelRates`: id, providerId, model, modelDisplay, type (chatCompletion, embedding, imageGeneration,
 *   video), inputRate / outputRate (credits per token, DECIMAL), caching (JSON `{ readRate, writeRate }`, later
 *   versions), deprecated (later versions), unitCosts, modelMetadata.
 * Columns added by later AIGNE Hub versions may be missing, so rows are read with `SELECT *` and every field
 * is optional here. Sequelize writes booleans as 0/1 and JSON as text.
 *
 * The file is ATTACHed to the hub's own connection and only read (SELECT); everything is copied into memory
 * (these tables are small) and the file is detached before anything is written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ValidationError } from '@aigne-hub/core';
import type { SqliteConnection } from '@aigne-hub/db';

export interface AigneHubProvider {
  id: string;
  name: string;
  displayName: string;
  baseUrl: string | null;
  region: string | null;
  enabled: boolean;
}

export interface AigneHubCredential {
  id: string;
  providerId: string;
  name: string;
  type: string;
  /** The parsed `credentialValue`, or null when it is not a JSON object. */
  value: Record<string, unknown> | null;
  active: boolean;
  weight: number;
  usageCount: number;
}

export interface AigneHubModelRate {
  providerId: string;
  model: string;
  type: string;
  inputRate: number;
  outputRate: number;
  cacheReadRate: number | null;
  cacheWriteRate: number | null;
  deprecated: boolean;
}

export interface AigneHubSnapshot {
  providers: AigneHubProvider[];
  credentials: AigneHubCredential[];
  modelRates: AigneHubModelRate[];
}

const SCHEMA = 'aigne_hub_source';

/** Reads an AIGNE Hub database through `connection` (the hub's own, not inside a transaction). */
export function readAigneHubDatabase(connection: SqliteConnection, file: string): AigneHubSnapshot {
  const resolved = path.resolve(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(resolved);
  } catch {
    // ATTACH would silently create an empty database at a mistyped path.
    throw new ValidationError(`${resolved} does not exist`);
  }
  if (!stat.isFile()) throw new ValidationError(`${resolved} is not a file`);
  if (
    connection.name &&
    fs.existsSync(connection.name) &&
    fs.realpathSync(connection.name) === fs.realpathSync(resolved)
  ) {
    throw new ValidationError(`${resolved} is this hub's own database, not an AIGNE Hub database`);
  }

  try {
    connection.prepare(`ATTACH DATABASE ? AS ${SCHEMA}`).run(resolved);
  } catch {
    throw new ValidationError(`${resolved} is not a SQLite database`);
  }
  try {
    let tables: Set<string>;
    try {
      tables = new Set(
        (
          connection.prepare(`SELECT name FROM ${SCHEMA}.sqlite_master WHERE type = 'table'`).all() as {
            name: string;
          }[]
        ).map((row) => row.name),
      );
    } catch {
      throw new ValidationError(`${resolved} is not a SQLite database`);
    }
    for (const required of ['AiProviders', 'AiCredentials']) {
      if (!tables.has(required)) {
        throw new ValidationError(`${resolved} is not an AIGNE Hub database (no ${required} table)`);
      }
    }
    const rows = (table: string) =>
      connection.prepare(`SELECT * FROM ${SCHEMA}."${table}"`).all() as Record<string, unknown>[];
    return {
      providers: rows('AiProviders').map(toProvider),
      credentials: rows('AiCredentials').map(toCredential),
      modelRates: tables.has('AiModelRates') ? rows('AiModelRates').map(toModelRate) : [],
    };
  } finally {
    connection.prepare(`DETACH DATABASE ${SCHEMA}`).run();
  }
}

function toProvider(row: Record<string, unknown>): AigneHubProvider {
  const name = text(row.name) ?? '';
  return {
    id: text(row.id) ?? '',
    name,
    displayName: text(row.displayName) ?? name,
    baseUrl: text(row.baseUrl),
    region: text(row.region),
    enabled: bool(row.enabled, true),
  };
}

function toCredential(row: Record<string, unknown>): AigneHubCredential {
  return {
    id: text(row.id) ?? '',
    providerId: text(row.providerId) ?? '',
    name: text(row.name) ?? '',
    type: text(row.credentialType) ?? 'api_key',
    value: jsonObject(row.credentialValue),
    active: bool(row.active, true),
    weight: integer(row.weight) ?? 100,
    usageCount: integer(row.usageCount) ?? 0,
  };
}

function toModelRate(row: Record<string, unknown>): AigneHubModelRate {
  const caching = jsonObject(row.caching);
  return {
    providerId: text(row.providerId) ?? '',
    model: text(row.model) ?? '',
    type: text(row.type) ?? '',
    inputRate: decimal(row.inputRate) ?? Number.NaN,
    outputRate: decimal(row.outputRate) ?? Number.NaN,
    cacheReadRate: decimal(caching?.readRate),
    cacheWriteRate: decimal(caching?.writeRate),
    deprecated: bool(row.deprecated, false),
  };
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return null;
}

function bool(value: unknown, fallback: boolean): boolean {
  if (value === 1 || value === true || value === '1' || value === 'true') return true;
  if (value === 0 || value === false || value === '0' || value === 'false') return false;
  return fallback;
}

function integer(value: unknown): number | null {
  const number = decimal(value);
  return number !== null && Number.isSafeInteger(number) ? number : null;
}

/** A DECIMAL as Sequelize leaves it in SQLite: a number, or a numeric string. */
function decimal(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const number = Number(value);
    return Number.isFinite(number) ? number : null;
  }
  return null;
}

function jsonObject(value: unknown): Record<string, unknown> | null {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return null;
    }
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : null;
}
