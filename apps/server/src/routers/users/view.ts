import {
  and,
  apiKeys,
  eq,
  gt,
  isNull,
  or,
  sql,
  users,
  type HubDatabase,
  type HubTransaction,
  type User,
} from '@aigne-hub/db';
import { fromMicroCredits } from '../../users/users';

/**
 * `count(*)` of the user's live API keys (not revoked, not expired at `now`), as a correlated subquery so that a
 * page of users costs one statement; it walks `api_keys_user_did_idx` for each user on the page only.
 */
export function liveApiKeyCount(now: Date) {
  return sql<number>`(select count(*) from ${apiKeys} where ${and(
    eq(apiKeys.userDid, users.did),
    isNull(apiKeys.revokedAt),
    or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now)),
  )})`.mapWith(Number);
}

/** What admins see of a user. Credits leave as whole credits, times as ISO strings. */
export function userView(user: User, liveApiKeys: number) {
  return {
    did: user.did,
    name: user.name,
    role: user.role,
    credits: fromMicroCredits(user.credits),
    createdAt: user.createdAt.toISOString(),
    lastSeenAt: user.lastSeenAt?.toISOString() ?? null,
    liveApiKeys,
  };
}

export type UserView = ReturnType<typeof userView>;

/** One user with their live API key count, read through `tx` (inside a change, the state after it). */
export function findUserView(tx: HubDatabase | HubTransaction, did: string, now: Date): UserView | undefined {
  const row = tx
    .select({ user: users, liveApiKeys: liveApiKeyCount(now) })
    .from(users)
    .where(eq(users.did, did))
    .get();
  return row && userView(row.user, row.liveApiKeys);
}
