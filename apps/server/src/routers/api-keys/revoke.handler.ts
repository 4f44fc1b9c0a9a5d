import { PreconditionFailedError } from '@aigne-hub/core';
import { apiKeys, eq } from '@aigne-hub/db';
import { writeTransaction } from '../../audit/audit-trail';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import type { ApiKeyIdInput } from './by-id.schema';
import { findActionableKey } from './find';
import { apiKeyView } from './view';

/** Revokes a key (own; admins: anyone's). It is refused from its very next request on. */
export function revokeHandler({ ctx, input }: HandlerOptions<AuthedContext, ApiKeyIdInput>) {
  const { principal, services } = ctx;
  const now = services.clock();
  const key = writeTransaction(services.hubDb, (tx) => {
    const found = findActionableKey(tx, principal, input.id, true);
    if (found.revokedAt) throw new PreconditionFailedError('The key is already revoked');
    const revoked = tx
      .update(apiKeys)
      .set({ revokedAt: now, previousHash: null, previousHashExpiresAt: null })
      .where(eq(apiKeys.id, found.id))
      .returning()
      .get();
    services.audit.append(tx, actorOf(principal), ctx.request, {
      action: 'apiKeys.revoke',
      outcome: 'success',
      targetType: 'apiKey',
      targetId: found.id,
      details: { owner: found.userDid, name: found.name, prefix: found.prefix },
    });
    return revoked;
  });
  return apiKeyView(key, now);
}
