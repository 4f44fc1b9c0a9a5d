/**
 * Hub API keys: creation (the secret is returned once), rotation with a grace period, revocation, and the
 * check made on every request that presents one. Only SHA-256 hashes are stored. A key acts as its user with
 * the user's role at the moment of use, narrowed by the key's scopes, models and addresses.
 */
import { randomUUID } from 'node:crypto';
import { generateApiKey, hashApiKey, isRole, parseApiKey, type Role } from '@aigne-hub/core';
import {
  and,
  apiKeys,
  eq,
  gt,
  or,
  users,
  type ApiKey,
  type HubDatabase,
  type HubTransaction,
} from '@aigne-hub/db';
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
  const row = db
    .select({ key: apiKeys, role: users.role })
    .from(apiKeys)
    .innerJoin(users, eq(users.did, apiKeys.userDid))
    .where(
      or(eq(apiKeys.hash, hash), and(eq(apiKeys.previousHash, hash), gt(apiKeys.previousHashExpiresAt, now))),
    )
    .get();
  if (!row || !isRole(row.role)) return { ok: false, reason: 'unknown' };
  const { key } = row;
  const who = { keyId: key.id, userDid: key.userDid };
  if (key.revokedAt) return { ok: false, reason: 'revoked', ...who };
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime())
    return { ok: false, reason: 'expired', ...who };
  if (key.allowedIps && !ipAllowed(ip, key.allowedIps))
    return { ok: false, reason: 'ip_not_allowed', ...who };
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
    db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, key.id)).run();
  }
  return { ok: true, key, role: row.role };
}

export const API_KEY_FAILURE_MESSAGES: Record<ApiKeyFailure, string> = {
  malformed: 'The API key is not a valid hub API key',
  unknown: 'The API key is not known to this hub',
  revoked: 'The API key has been revoked',
  expired: 'The API key has expired',
  ip_not_allowed: 'The API key may not be used from this address',
};
