/**
 * The end of a DID Connect sign-in, once the wallet's answer is verified and the browser picks it up: the
 * same steps, rules and audit events as `auth.login` (auth/login.ts), from the same pieces: find or create
 * the user (`ensureUser`, with the starting credits), let the first DID that presents the setup code of an
 * ownerless hub become its owner, open a session (`createSession`), and record `auth.login` with via
 * `session`. All hub.db changes and their events commit in one transaction.
 */
import { UnauthorizedError } from '@aigne-hub/core';
import { eq, users as usersTable, type Session, type User } from '@aigne-hub/db';
import { writeTransaction, type RequestMeta } from '../../audit/audit-trail';
import type { HubServices } from '../../services';
import { ensureUser, ownerCount } from '../../users/users';
import { consumeSetupCode, setupCodeMatches } from '../owner-setup';
import { createSession } from '../sessions';

export interface ConnectSignIn {
  token: string;
  session: Session;
  user: User;
  becameOwner: boolean;
}

export const BAD_SETUP_CODE_MESSAGE =
  'The setup code is not valid (it works once, and only while the hub has no owner)';

/** What `auth.login` events of this way in carry in their details, so the trail tells the two apart. */
const METHOD = 'did-connect';

/**
 * Signs `did` in (a DID the wallet's signed answer proved). With `setupCode`, claims an ownerless hub or,
 * when the code is wrong or the hub has an owner, refuses (UnauthorizedError, audited) without signing in.
 */
export async function completeConnectSignIn(
  services: HubServices,
  did: string,
  setupCode: string | undefined,
  request: RequestMeta,
): Promise<ConnectSignIn> {
  const { hubDb, authDb, audit, keyring, throttle } = services;
  const now = services.clock();
  const settings = services.settings.get();
  const outcome = writeTransaction(hubDb, (tx) => {
    const claimOwner =
      setupCode !== undefined && ownerCount(tx) === 0 && setupCodeMatches(tx, keyring, setupCode);
    if (setupCode !== undefined && !claimOwner) return { refused: true as const };
    const { user, created } = ensureUser(tx, did, settings.credits.newUserCredits, now);
    const actor = { did, role: user.role, via: 'session' as const };
    if (created) {
      audit.append(tx, actor, request, {
        action: 'users.create',
        outcome: 'success',
        targetType: 'user',
        targetId: did,
        details: { role: user.role, credits: user.credits },
      });
    }
    let current = user;
    if (claimOwner) {
      current = { ...user, role: 'owner' };
      tx.update(usersTable).set({ role: 'owner' }).where(eq(usersTable.did, did)).run();
      consumeSetupCode(tx, services.env.dataDir);
      audit.append(tx, { ...actor, role: 'owner' }, request, {
        action: 'users.claimOwner',
        outcome: 'success',
        targetType: 'user',
        targetId: did,
        details: { from: user.role, to: 'owner', via: 'setup code' },
      });
    }
    audit.append(tx, { ...actor, role: current.role }, request, {
      action: 'auth.login',
      outcome: 'success',
      targetType: 'user',
      targetId: did,
      details: { newUser: created, method: METHOD },
    });
    return { refused: false as const, user: current, becameOwner: claimOwner };
  });

  if (outcome.refused) {
    await throttle.failure(request.ip, did);
    audit.record({ did: null, role: null, via: 'session' }, request, {
      action: 'auth.login',
      outcome: 'denied',
      reason: 'bad_setup_code',
      targetType: 'user',
      targetId: did,
      details: { method: METHOD },
    });
    throw new UnauthorizedError(BAD_SETUP_CODE_MESSAGE);
  }

  const { token, session } = createSession(authDb, {
    did,
    ip: request.ip,
    userAgent: request.userAgent,
    now,
    lifetimes: settings.sessions,
  });
  await throttle.success(request.ip, did);
  return { token, session, user: outcome.user, becameOwner: outcome.becameOwner };
}
