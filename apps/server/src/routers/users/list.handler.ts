import { DID_ABT_PREFIX } from '@aigne-hub/core';
import { and, asc, desc, eq, gt, lt, or, sql, users, type SQL } from '@aigne-hub/db';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { decodeUserCursor, encodeUserCursor } from './cursor';
import type { ListUsersInput } from './list.schema';
import { liveApiKeyCount, userView } from './view';

/** `value` with LIKE's wildcards escaped, for use with `ESCAPE '\'`. */
function likePrefix(value: string): string {
  return `${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Who matches a search box entry: a DID prefix (case-sensitive: DIDs are base58), given with or without
 * `did:abt:`, or a name prefix (case-insensitive, as people type names).
 */
function searchCondition(term: string): SQL | undefined {
  const didPrefix = term.startsWith('did:') ? term : DID_ABT_PREFIX + term;
  return or(
    sql`substr(${users.did}, 1, ${didPrefix.length}) = ${didPrefix}`,
    sql`${users.name} like ${likePrefix(term)} escape '\\'`,
  );
}

/**
 * One page of users, newest first (ties by DID), with each user's count of live API keys. Keyset pagination:
 * a page is never shifted by users signing in while an admin pages through the list.
 */
export function listHandler({ ctx, input }: HandlerOptions<AuthedContext, ListUsersInput>) {
  const { services } = ctx;
  const limit = input?.limit ?? 50;
  const after = input?.cursor ? decodeUserCursor(input.cursor) : null;
  const afterCreatedAt = after ? new Date(after.createdAtMs) : null;
  const rows = services.hubDb
    .select({ user: users, liveApiKeys: liveApiKeyCount(services.clock()) })
    .from(users)
    .where(
      and(
        input?.role ? eq(users.role, input.role) : undefined,
        input?.search ? searchCondition(input.search) : undefined,
        after && afterCreatedAt
          ? or(
              lt(users.createdAt, afterCreatedAt),
              and(eq(users.createdAt, afterCreatedAt), gt(users.did, after.did)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(users.createdAt), asc(users.did))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => userView(row.user, row.liveApiKeys)),
    nextCursor:
      rows.length > limit && last
        ? encodeUserCursor({ createdAtMs: last.user.createdAt.getTime(), did: last.user.did })
        : null,
  };
}
