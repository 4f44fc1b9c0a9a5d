/**
 * The end of a DID Connect sign-in, once the wallet's answer is verified and the browser picks it up: the
 * same steps, rules and audit events as `auth.login` (auth/login.ts), from the same pieces: find or create
 * the user (`ensureUser`, with the starting credits), let the first DID that presents the setup code of an
 * ownerless hub become its owner, open a session (`createSession`), and record `auth.login` with via
 * `session`. All hub.db changes and their events commit in one transaction.
 */
import { UnauthorizedError } from '@aigne-hub/core';
import type { Session, User } from '@aigne-hub/db';
import type { RequestMeta } from '../../audit/audit-trail';
import type { HubServices } from '../../services';
import { admitProvenDid, openSession } from '../login';

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
  const admitted = admitProvenDid(services, did, setupCode, request, { method: METHOD });
  if (!admitted) {
    await services.throttle.failure(request.ip, did);
    services.audit.record({ did: null, role: null, via: 'session' }, request, {
      action: 'auth.login',
      outcome: 'denied',
      reason: 'bad_setup_code',
      targetType: 'user',
      targetId: did,
      details: { method: METHOD },
    });
    throw new UnauthorizedError(BAD_SETUP_CODE_MESSAGE);
  }

  return { ...(await openSession(services, did, request)), ...admitted };
}
