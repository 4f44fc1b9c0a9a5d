/**
 * Hub API keys: creation (the secret is returned once), rotation with a grace period, revocation, and the
 * check made on every request that presents one. Only SHA-256 hashes are stored. A key acts as its user with
 * the user's role at the moment of use, narrowed by the key's scopes, models and addresses.
 */
import { randomUUID } from 'node:crypto';
import { generateApiKey, hashApiKey, isRole, parseApiKey, type Role } from '@aigne-hub/core';
import { apiKeys, eq, type ApiKey, type HubDatabase, type HubTransaction } from '@aigne-hub/db';
import { connectionOf, dateOf, jsonOf, prepared } from '../db/prepared';
import { ipAllowed } from './ip-allow';

/** What a key may be used for: `ai` the AI gateway endpoints, `api` the hub's tRPC API as its user. */
export const API_KEY_SCOPES = ['ai', 'api'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** `lastUsedAt` is refreshed at most this often. */
const TOUCH_INTERVAL_MS = 60_000;

export interface NewApiKeyInput {
  name: string;
  scopes: ApiKeyScope[];
  expiresAt: Date | null;
  allowedModels: string[] | null;
  allowedIps: string[] | null;
  rateLimitPerMinute: number | null;
}

export function createApiKey(
  tx: HubTransaction,
  userDid: string,
  input: NewApiKeyInput,
): { key: ApiKey; secret: string } {
  const generated = generateApiKey();
  const key = tx
    .insert(apiKeys)
    .values({
      id: randomUUID(),
      userDid,
      name: input.name,
      prefix: generated.prefix,
      last4: generated.last4,
      hash: generated.hash,
      scopes: input.scopes,
      allowedModels: input.allowedModels,
      allowedIps: input.allowedIps,
      rateLimitPerMinute: input.rateLimitPerMinute,
      expiresAt: input.expiresAt,
    })
    .returning()
    .get();
  return { key, secret: generated.secret };
}

/**
 * Gives the key a new secret. The old one keeps working until `now + graceSeconds` (0: stops at once). A key
 * already in a grace period loses its older secret: only the secret being replaced gets the grace.
 */
export function rotateApiKey(
  tx: HubTransaction,
  key: ApiKey,
  graceSeconds: number,
  now: Date,
): { key: ApiKey; secret: string } {
  const generated = generateApiKey();
  const updated = tx
    .update(apiKeys)
    .set({
      prefix: generated.prefix,
      last4: generated.last4,
      hash: generated.hash,
      previousHash: graceSeconds > 0 ? key.hash : null,
      previousHashExpiresAt: graceSeconds > 0 ? new Date(now.getTime() + graceSeconds * 1000) : null,
    })
    .where(eq(apiKeys.id, key.id))
    .returning()
    .get();
  return { key: updated, secret: generated.secret };
}

export type ApiKeyFailure = 'malformed' | 'unknown' | 'revoked' | 'expired' | 'ip_not_allowed';

export type ApiKeyCheck =
  | { ok: true; key: ApiKey; role: Role }
  | { ok: false; reason: ApiKeyFailure; keyId?: string; userDid?: string };

/**
 * The check on every request: checksum first (junk never reaches the database), then the hash (current
 * secret, or the previous one inside its grace period), then revocation, expiry, allowed addresses and the
 * owner's current role.
 */
export function checkApiKey(db: HubDatabase, secret: string, ip: string | null, now: Date): ApiKeyCheck {
  const parsed = parseApiKey(secret);
  if (!parsed.ok) return { ok: false, reason: 'malformed' };
  const hash = hashApiKey(secret);
  const connection = connectionOf(db);
  // Prepared once: this runs on every API request (see db/prepared.ts).
  const raw = prepared(
    connection,
    `SELECT k.*, u.role AS owner_role FROM api_keys k JOIN users u ON u.did = k.user_did
     WHERE k.hash = ? OR (k.previous_hash = ? AND k.previous_hash_expires_at > ?)`,
  ).get(hash, hash, now.getTime()) as (ApiKeyRow & { owner_role: string }) | undefined;
  if (!raw || !isRole(raw.owner_role)) return { ok: false, reason: 'unknown' };
  const key = apiKeyFromRow(raw);
  const who = { keyId: key.id, userDid: key.userDid };
  if (key.revokedAt) return { ok: false, reason: 'revoked', ...who };
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime())
    return { ok: false, reason: 'expired', ...who };
  if (key.allowedIps && !ipAllowed(ip, key.allowedIps))
    return { ok: false, reason: 'ip_not_allowed', ...who };
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
    prepared(connection, 'UPDATE api_keys SET last_used_at = ? WHERE id = ?').run(now.getTime(), key.id);
  }
  return { ok: true, key, role: raw.owner_role };
}

/** An `api_keys` row as SQLite returns it. */
interface ApiKeyRow {
  id: string;
  user_did: string;
  name: string;
  prefix: string;
  last4: string;
  hash: string;
  previous_hash: string | null;
  previous_hash_expires_at: number | null;
  scopes: string;
  allowed_models: string | null;
  allowed_ips: string | null;
  rate_limit_per_minute: number | null;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
  created_at: number;
}

function apiKeyFromRow(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    userDid: row.user_did,
    name: row.name,
    prefix: row.prefix,
    last4: row.last4,
    hash: row.hash,
    previousHash: row.previous_hash,
    previousHashExpiresAt: dateOf(row.previous_hash_expires_at),
    scopes: jsonOf<string[]>(row.scopes) ?? [],
    allowedModels: jsonOf<string[]>(row.allowed_models),
    allowedIps: jsonOf<string[]>(row.allowed_ips),
    rateLimitPerMinute: row.rate_limit_per_minute,
    expiresAt: dateOf(row.expires_at),
    revokedAt: dateOf(row.revoked_at),
    lastUsedAt: dateOf(row.last_used_at),
    createdAt: new Date(row.created_at),
  };
}

export const API_KEY_FAILURE_MESSAGES: Record<ApiKeyFailure, string> = {
  malformed: 'The API key is not a valid hub API key',
  unknown: 'The API key is not known to this hub',
  revoked: 'The API key has been revoked',
  expired: 'The API key has expired',
  ip_not_allowed: 'The API key may not be used from this address',
};
