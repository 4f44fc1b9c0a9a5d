import { ForbiddenError, isAdmin } from '@aigne-hub/core';
import { and, apiKeys, desc, eq, isNull } from '@aigne-hub/db';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import type { ListApiKeysInput } from './list.schema';
import { apiKeyView } from './view';

/** The caller's keys; an admin may list anyone's (`userDid`) or everyone's (`userDid: 'all'`). */
export function listHandler({ ctx, input }: HandlerOptions<AuthedContext, ListApiKeysInput>) {
  const { principal, services } = ctx;
  const target = input?.userDid ?? principal.did;
  if (target !== principal.did && !isAdmin(principal.role)) {
    throw new ForbiddenError("Only admins can list other users' keys");
  }
  const rows = services.hubDb
    .select()
    .from(apiKeys)
    .where(
      and(
        target === 'all' ? undefined : eq(apiKeys.userDid, target),
        input?.includeRevoked ? undefined : isNull(apiKeys.revokedAt),
      ),
    )
    .orderBy(desc(apiKeys.createdAt))
    .all();
  const now = services.clock();
  return rows.map((key) => apiKeyView(key, now));
}
