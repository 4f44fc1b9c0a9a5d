import { ForbiddenError, NotFoundError } from '@aigne-hub/core';
import { writeTransaction } from '../../audit/audit-trail';
import { listSessions, revokeAllSessions } from '../../auth/sessions';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { currentRole, findUser } from '../../users/users';
import type { UserDidInput } from './by-did.schema';
import { auditingRefusals } from './refusals';

/**
 * Ends every browser session of a user at once (a lost laptop, a departing colleague); their API keys are not
 * touched. Only an owner may end an owner's sessions, as with every other change to an owner.
 *
 * Sessions live in auth.db and the audit trail in hub.db. An auth.db transaction is opened around the hub.db
 * one (better-sqlite3 transactions belong to the connection, so `services.authDb` inside the callback is in
 * it) and commits after it: if the audit event cannot be written, the revocation is rolled back with it, so
 * there is never a revocation without its event. (The reverse, an event whose revocation then fails to commit,
 * would need auth.db to fail its COMMIT while holding the write lock, which an IMMEDIATE transaction in WAL
 * mode does not do short of a disk failure.)
 */
export function revokeSessionsHandler({ ctx, input }: HandlerOptions<AuthedContext, UserDidInput>) {
  const { principal, services } = ctx;
  const now = services.clock();
  return auditingRefusals(ctx, { action: 'users.revokeSessions', targetId: input.did, details: null }, () =>
    services.authDb.transaction(
      () =>
        writeTransaction(services.hubDb, (tx) => {
          const target = findUser(tx, input.did);
          if (!target) throw new NotFoundError('No user with that DID');
          if (target.role === 'owner' && currentRole(tx, principal.did) !== 'owner') {
            throw new ForbiddenError("Only an owner can end an owner's sessions");
          }
          const live = listSessions(services.authDb, input.did, now, services.settings.get().sessions).length;
          revokeAllSessions(services.authDb, input.did, now);
          services.audit.append(tx, actorOf(principal), ctx.request, {
            action: 'users.revokeSessions',
            outcome: 'success',
            targetType: 'user',
            targetId: input.did,
            details: { before: { liveSessions: live }, after: { liveSessions: 0 } },
          });
          return { revoked: live };
        }),
      { behavior: 'immediate' },
    ),
  );
}
