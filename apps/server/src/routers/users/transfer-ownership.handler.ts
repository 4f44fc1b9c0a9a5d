import { writeTransaction } from '../../audit/audit-trail';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { transferOwnership } from '../../users/users';
import type { UserDidInput } from './by-did.schema';
import { auditingRefusals, refuseUnderBlocklet } from './refusals';
import { findUserView } from './view';

/**
 * The owner hands the hub to another user: the target becomes owner and the caller admin, in one transaction
 * with its one audit event. The caller's very next request runs as an admin.
 */
export function transferOwnershipHandler({ ctx, input }: HandlerOptions<AuthedContext, UserDidInput>) {
  const { principal, services } = ctx;
  const now = services.clock();
  return auditingRefusals(
    ctx,
    { action: 'users.transferOwnership', targetId: input.did, details: null },
    () => {
      refuseUnderBlocklet(services);
      return writeTransaction(services.hubDb, (tx) => {
        const { targetFrom, callerFrom } = transferOwnership(tx, principal.did, input.did);
        services.audit.append(tx, actorOf(principal), ctx.request, {
          action: 'users.transferOwnership',
          outcome: 'success',
          targetType: 'user',
          targetId: input.did,
          details: {
            before: { callerRole: callerFrom, targetRole: targetFrom },
            after: { callerRole: 'admin', targetRole: 'owner' },
          },
        });
        return { user: findUserView(tx, input.did, now)!, callerRole: 'admin' as const };
      });
    },
  );
}
