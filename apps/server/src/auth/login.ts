/**
 * DID wallet sign-in (standalone mode): the hub issues a challenge (stored in auth.db), the wallet signs it, the
 * hub verifies it (core `verifyLoginSignature`), marks it used exactly once, finds or creates the user, lets the
 * first DID presenting the setup code become owner, and opens a session. Every outcome is audited.
 */
import {
  createLoginChallenge,
  DidAuthError,
  RateLimitedError,
  UnauthorizedError,
  verifyLoginSignature,
} from '@aigne-hub/core';
import {
  and,
  eq,
  isNull,
  loginChallenges,
  lt,
  users as usersTable,
  type Session,
  type User,
} from '@aigne-hub/db';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { RequestMeta } from '../audit/audit-trail';
import { writeTransaction } from '../audit/audit-trail';
import type { HubServices } from '../services';
import { ensureUser, ownerCount } from '../users/users';
import { consumeSetupCode, setupCodeMatches } from './owner-setup';
import { createSession } from './sessions';

/** Challenges a single address may ask for per minute: plenty for people, a bound on table growth. */
const CHALLENGES_PER_MINUTE = 60;
/** Expired challenges are deleted once they are this old. */
const CHALLENGE_RETENTION_MS = 60 * 60 * 1000;

export class ChallengeIssuer {
  readonly #limiter = new RateLimiterMemory({ points: CHALLENGES_PER_MINUTE, duration: 60 });

  constructor(private readonly services: HubServices) {}

  async issue(
    did: string | undefined,
    ip: string | null,
  ): Promise<{ nonce: string; message: string; expiresAt: Date }> {
    try {
      await this.#limiter.consume(`ip:${ip ?? 'unknown'}`);
    } catch (rejection) {
      const waitMs = (rejection as { msBeforeNext?: number }).msBeforeNext ?? 60_000;
      throw new RateLimitedError('Too many sign-in challenges from this address', Math.ceil(waitMs / 1000));
    }
    const { authDb, publicUrl, clock } = this.services;
    const now = clock();
    const challenge = createLoginChallenge({
      domain: publicUrl.domain,
      origin: publicUrl.origin,
      now,
      ...(did !== undefined && { did }),
    });
    authDb.transaction((tx) => {
      tx.delete(loginChallenges)
        .where(lt(loginChallenges.expiresAt, new Date(now.getTime() - CHALLENGE_RETENTION_MS)))
        .run();
      tx.insert(loginChallenges)
        .values({
          nonce: challenge.nonce,
          did: challenge.did,
          domain: challenge.domain,
          message: challenge.message,
          createdAt: now,
          expiresAt: challenge.expiresAt,
        })
        .run();
    });
    return { nonce: challenge.nonce, message: challenge.message, expiresAt: challenge.expiresAt };
  }
}

export interface LoginInput {
  did: string;
  publicKey: string;
  signature: string;
  nonce: string;
  /** The one-time owner setup code, when claiming an ownerless hub. */
  setupCode?: string | undefined;
}

export interface LoginResult {
  token: string;
  session: Session;
  user: User;
  becameOwner: boolean;
}

const FAILURE_MESSAGES: Record<DidAuthError['reason'] | 'unknown_challenge' | 'bad_setup_code', string> = {
  malformed: 'The sign-in request is malformed',
  unsupported_key_type: 'This kind of DID key is not supported',
  wrong_key: 'The public key does not belong to that DID',
  bad_signature: 'The signature does not verify',
  expired: 'The sign-in challenge has expired; request a new one',
  wrong_domain: 'The sign-in challenge was issued for another hub',
  replayed: 'The sign-in challenge has already been used; request a new one',
  unknown_challenge: 'Unknown sign-in challenge; request a new one',
  bad_setup_code: 'The setup code is not valid (it works once, and only while the hub has no owner)',
};

export async function login(
  services: HubServices,
  input: LoginInput,
  request: RequestMeta,
): Promise<LoginResult> {
  const { authDb, audit, throttle, clock } = services;
  await throttle.assertNotBlocked(request.ip, input.did);
  const now = clock();

  const refuse = async (reason: keyof typeof FAILURE_MESSAGES): Promise<never> => {
    await throttle.failure(request.ip, input.did);
    audit.record({ did: null, role: null, via: 'session' }, request, {
      action: 'auth.login',
      outcome: 'denied',
      reason,
      targetType: 'user',
      targetId: input.did.slice(0, 200),
    });
    throw new UnauthorizedError(FAILURE_MESSAGES[reason]);
  };

  const challenge = authDb.select().from(loginChallenges).where(eq(loginChallenges.nonce, input.nonce)).get();
  if (!challenge) return refuse('unknown_challenge');
  let did: string;
  try {
    did = await verifyLoginSignature({
      did: input.did,
      publicKey: input.publicKey,
      signature: input.signature,
      message: challenge.message,
      challenge,
      expectedDomain: services.publicUrl.domain,
      now,
    });
  } catch (error) {
    if (error instanceof DidAuthError) return refuse(error.reason);
    throw error;
  }
  // Exactly once: of two concurrent logins with one challenge, only one changes the row.
  const claimed = authDb
    .update(loginChallenges)
    .set({ usedAt: now, did })
    .where(and(eq(loginChallenges.nonce, input.nonce), isNull(loginChallenges.usedAt)))
    .run();
  if (claimed.changes !== 1) return refuse('replayed');

  const admitted = admitProvenDid(services, did, input.setupCode, request, {});
  if (!admitted) return refuse('bad_setup_code');
  return { ...(await openSession(services, did, request)), ...admitted };
}

/**
 * The part of a sign-in after the wallet proved `did`, shared by `auth.login` and DID Connect: find or create
 * the user (with the starting credits), let the first DID that presents the setup code of an ownerless hub
 * become its owner, and record `auth.login` (with `loginDetails`), all in one hub.db transaction. Returns
 * null, changing nothing, when a setup code was given and is not the hub's (or the hub has an owner).
 */
export function admitProvenDid(
  services: HubServices,
  did: string,
  setupCode: string | undefined,
  request: RequestMeta,
  loginDetails: Record<string, string>,
): { user: User; becameOwner: boolean } | null {
  const { audit, keyring } = services;
  const now = services.clock();
  const settings = services.settings.get();
  return writeTransaction(services.hubDb, (tx) => {
    const claimOwner =
      setupCode !== undefined && ownerCount(tx) === 0 && setupCodeMatches(tx, keyring, setupCode);
    if (setupCode !== undefined && !claimOwner) return null;
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
      details: { newUser: created, ...loginDetails },
    });
    return { user: current, becameOwner: claimOwner };
  });
}

/** Opens the session of a signed-in DID and clears its failed-attempt count. */
export async function openSession(
  services: HubServices,
  did: string,
  request: RequestMeta,
): Promise<{ token: string; session: Session }> {
  const { token, session } = createSession(services.authDb, {
    did,
    ip: request.ip,
    userAgent: request.userAgent,
    now: services.clock(),
    lifetimes: services.settings.get().sessions,
  });
  await services.throttle.success(request.ip, did);
  return { token, session };
}
