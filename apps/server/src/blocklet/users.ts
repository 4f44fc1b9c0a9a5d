/**
 * Blocklet users in hub.db. Under Blocklet Server the person and their role are Blocklet Server's; the hub
 * still needs a `users` row for what is its own (credits, API keys, usage). So on every verified Blocklet
 * request the row is made to match: created on first sight with the role Blocklet Server says (and the
 * starting credits, like a first sign-in; one `users.create` event), and given the new role when Blocklet
 * Server changes it (one `users.syncRole` event). A request that changes nothing writes nothing.
 *
 * Blocklet Server is the authority on roles here, so the hub's owner rules (the last owner cannot be
 * demoted...) do not apply to these changes: they only mirror what an owner decided in Blocklet Server.
 */
import { eq, users as usersTable } from '@aigne-hub/db';
import { writeTransaction, type RequestMeta } from '../audit/audit-trail';
import type { HubServices } from '../services';
import { ensureUser, findUser } from '../users/users';
import type { BlockletUser } from './session';

export function syncBlockletUser(services: HubServices, user: BlockletUser, request: RequestMeta): void {
  const existing = findUser(services.hubDb, user.did);
  if (existing && existing.role === user.role) return;
  const now = services.clock();
  const newUserCredits = services.settings.get().credits.newUserCredits;
  writeTransaction(services.hubDb, (tx) => {
    const actor = { did: user.did, role: user.role, via: 'blocklet' as const };
    const current = findUser(tx, user.did);
    if (!current) {
      const created = ensureUser(tx, user.did, newUserCredits, now).user;
      if (created.role !== user.role) {
        tx.update(usersTable).set({ role: user.role }).where(eq(usersTable.did, user.did)).run();
      }
      services.audit.append(tx, actor, request, {
        action: 'users.create',
        outcome: 'success',
        targetType: 'user',
        targetId: user.did,
        details: {
          role: user.role,
          credits: created.credits,
          blockletRole: user.blockletRole,
          source: 'Blocklet Server',
        },
      });
      return;
    }
    // Another request of the same person may have got here first.
    if (current.role === user.role) return;
    tx.update(usersTable).set({ role: user.role }).where(eq(usersTable.did, user.did)).run();
    services.audit.append(tx, actor, request, {
      action: 'users.syncRole',
      outcome: 'success',
      targetType: 'user',
      targetId: user.did,
      details: {
        from: current.role,
        to: user.role,
        blockletRole: user.blockletRole,
        source: 'Blocklet Server',
      },
    });
  });
}
