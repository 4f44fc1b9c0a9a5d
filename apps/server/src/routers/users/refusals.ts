import { ForbiddenError, PreconditionFailedError } from '@aigne-hub/core';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext } from '../../trpc/types';

/**
 * Runs an admin change and, when the domain refuses it (the owner rules: FORBIDDEN for "not you",
 * PRECONDITION_FAILED for "nobody"), records a `denied` event with the reason. The change ran in its own
 * transaction, which the refusal rolled back; the denial is written afterwards in a transaction of its own, so
 * it survives. Other errors (not found, validation, a failed write) are not refusals and pass through as they are.
 */
export function auditingRefusals<T>(
  ctx: AuthedContext,
  event: { action: string; targetId: string; details: Record<string, unknown> | null },
  change: () => T,
): T {
  try {
    return change();
  } catch (error) {
    if (error instanceof ForbiddenError || error instanceof PreconditionFailedError) {
      ctx.services.audit.record(actorOf(ctx.principal), ctx.request, {
        action: event.action,
        outcome: 'denied',
        reason: error.message,
        targetType: 'user',
        targetId: event.targetId,
        details: event.details,
      });
    }
    throw error;
  }
}

/**
 * Under Blocklet Server, roles are Blocklet Server's: each request maps the user's Blocklet role afresh, so a
 * role set here would be silently undone on the user's next request. Refused (and audited, as a refusal)
 * with a message that says where to change it.
 */
export function refuseUnderBlocklet(services: AuthedContext['services']): void {
  if (services.env.blocklet) {
    throw new PreconditionFailedError(
      'Under Blocklet Server, roles are managed by Blocklet Server: change the member role there',
    );
  }
}
