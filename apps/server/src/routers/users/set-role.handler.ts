import { writeTransaction } from '../../audit/audit-trail';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { currentRole, setRole } from '../../users/users';
import { auditingRefusals, refuseUnderBlocklet } from './refusals';
import type { SetRoleInput } from './set-role.schema';
import { findUserView } from './view';

/**
 * Changes a user's role under the owner rules (core `checkRoleChange`, NOT_FOUND decided first). The caller's
 * role is read again inside the transaction, so an admin demoted a moment ago cannot still act with the role
 * they had when the request began (a caller whose user row is gone counts as a guest). Nothing else needs
 * undoing on a demotion: every request reads the role afresh, so the demoted user's very next call already
 * runs with the new role. Setting the role a user already has changes nothing and writes no event.
 */
export function setRoleHandler({ ctx, input }: HandlerOptions<AuthedContext, SetRoleInput>) {
  const { principal, services } = ctx;
  const now = services.clock();
  return auditingRefusals(
    ctx,
    { action: 'users.setRole', targetId: input.did, details: { requested: { role: input.role } } },
    () => {
      refuseUnderBlocklet(services);
      return writeTransaction(services.hubDb, (tx) => {
        const actorRole = currentRole(tx, principal.did) ?? 'guest';
        const { from } = setRole(tx, actorRole, input.did, input.role);
        const changed = from !== input.role;
        if (changed) {
          services.audit.append(tx, actorOf(principal), ctx.request, {
            action: 'users.setRole',
            outcome: 'success',
            targetType: 'user',
            targetId: input.did,
            details: { before: { role: from }, after: { role: input.role } },
          });
        }
        return { user: findUserView(tx, input.did, now)!, changed };
      });
    },
  );
}
