import { NotFoundError } from '@aigne-hub/core';
import { revokeSession } from '../../auth/sessions';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import type { RevokeSessionInput } from './revoke-session.schema';

/** Revokes one of the caller's own sessions; someone else's session is NOT_FOUND, as if it did not exist. */
export function revokeSessionHandler({ ctx, input }: HandlerOptions<AuthedContext, RevokeSessionInput>) {
  const { principal, services } = ctx;
  if (!revokeSession(services.authDb, principal.did, input.sessionId, services.clock())) {
    throw new NotFoundError('No such live session of yours');
  }
  services.audit.record(actorOf(principal), ctx.request, {
    action: 'auth.revokeSession',
    outcome: 'success',
    targetType: 'session',
    targetId: input.sessionId,
  });
  return { revoked: true };
}
