import type { ApiKey } from '@aigne-hub/db';

/** What the hub shows of a key: never its hash, and the secret only once, at creation or rotation. */
export function apiKeyView(key: ApiKey, now: Date) {
  const graceActive =
    key.previousHashExpiresAt !== null && key.previousHashExpiresAt.getTime() > now.getTime();
  return {
    id: key.id,
    userDid: key.userDid,
    name: key.name,
    prefix: key.prefix,
    last4: key.last4,
    scopes: key.scopes,
    allowedModels: key.allowedModels,
    allowedIps: key.allowedIps,
    rateLimitPerMinute: key.rateLimitPerMinute,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    createdAt: key.createdAt.toISOString(),
    /** Until when the secret before the last rotation still works (null when it does not). */
    previousSecretValidUntil: graceActive ? key.previousHashExpiresAt!.toISOString() : null,
    status: key.revokedAt
      ? 'revoked'
      : key.expiresAt && key.expiresAt.getTime() <= now.getTime()
        ? 'expired'
        : 'active',
  } as const;
}

export type ApiKeyView = ReturnType<typeof apiKeyView>;
