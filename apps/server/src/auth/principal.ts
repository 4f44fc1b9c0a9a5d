/**
 * Who is calling. Every way in (browser session cookie, `Authorization: Bearer` with a hub API key or a session
 * token, and under Blocklet Server its verified identity) becomes one `Principal`. Headers such as
 * `x-user-did` / `x-user-role` are never read here, in either mode: under Blocklet Server the identity is the
 * login token Blocklet Server signed, verified by @blocklet/sdk (blocklet/session.ts).
 */
import { isRole, type Role } from '@aigne-hub/core';
import type { ApiKey } from '@aigne-hub/db';
import type { RequestMeta } from '../audit/audit-trail';
import { isJwtShaped, verifyBlockletLoginToken, type BlockletFailure } from '../blocklet/session';
import { syncBlockletUser } from '../blocklet/users';
import type { HubServices } from '../services';
import { findUser } from '../users/users';
import { API_KEY_FAILURE_MESSAGES, checkApiKey, type ApiKeyScope } from './api-keys';
import { resolveSession, SESSION_TOKEN_PREFIX } from './sessions';

export type PrincipalVia = 'session' | 'apiKey' | 'blocklet';

export interface Principal {
  did: string;
  /** The user's role now (read on every request, so a demotion takes effect on the very next call). */
  role: Role;
  via: PrincipalVia;
  /** The API key used (via `apiKey`). */
  keyId?: string;
  /** The session used (via `session`). */
  sessionId?: string;
  /** The key's row (via `apiKey`): scopes, allowed models, rate limit. */
  apiKey?: ApiKey;
}

export interface PresentedCredentials {
  /** The token of `Authorization: Bearer <token>`. */
  bearer: string | null;
  /** The session cookie's value. */
  cookie: string | null;
  /** Blocklet Server's login token cookie (`login_token`); only looked at in Blocklet mode. */
  blockletCookie?: string | null;
}

export interface AuthFailure {
  kind: 'apiKey' | 'session' | 'blocklet';
  reason: string;
  message: string;
  keyId?: string;
  did?: string;
}

export interface Resolution {
  principal: Principal | null;
  failure: AuthFailure | null;
  source: 'bearer' | 'cookie' | null;
}

/** Reasons that mean someone is guessing, as opposed to a genuine credential that has ended. */
const GUESSING = new Set(['malformed', 'unknown', 'unverified']);

const BLOCKLET_FAILURE_MESSAGES: Record<BlockletFailure | 'not_blocklet', string> = {
  malformed: 'The Blocklet Server login token is malformed',
  unverified: 'The Blocklet Server login token could not be verified',
  expired: 'The Blocklet Server sign-in has expired; sign in again',
  not_login_token: 'This Blocklet Server token is not a login token',
  unsupported_did: 'This kind of DID cannot use the hub',
  not_blocklet: 'Under Blocklet Server, sign in through Blocklet Server',
};

export function hasScope(principal: Principal, scope: ApiKeyScope): boolean {
  return principal.via !== 'apiKey' || (principal.apiKey?.scopes ?? []).includes(scope);
}

/**
 * Resolves presented credentials. A bearer token wins over the cookie (a program sets it on purpose). An
 * address that has guessed too often gets a RateLimitedError before anything is looked up. `request` is where
 * the call came from, for the audit events a first Blocklet sign-in writes (default: the address only).
 */
export async function resolvePrincipal(
  services: HubServices,
  credentials: PresentedCredentials,
  ip: string | null,
  request: RequestMeta = { requestId: null, ip, userAgent: null },
): Promise<Resolution> {
  if (services.env.blocklet) return resolveUnderBlocklet(services, credentials, ip, request);
  const source = credentials.bearer !== null ? 'bearer' : credentials.cookie !== null ? 'cookie' : null;
  const token = credentials.bearer ?? credentials.cookie;
  if (source === null || token === null) return { principal: null, failure: null, source };
  await services.throttle.assertNotBlocked(ip);
  const resolution = resolveToken(services, token, ip, source);
  if (resolution.failure && GUESSING.has(resolution.failure.reason)) await services.throttle.failure(ip);
  return resolution;
}

function resolveToken(
  services: HubServices,
  token: string,
  ip: string | null,
  source: 'bearer' | 'cookie',
): Resolution {
  const now = services.clock();
  if (source === 'bearer' && !token.startsWith(SESSION_TOKEN_PREFIX)) {
    const check = checkApiKey(services.hubDb, token, ip, now);
    if (!check.ok) {
      const failure: AuthFailure = {
        kind: 'apiKey',
        reason: check.reason,
        message: API_KEY_FAILURE_MESSAGES[check.reason],
      };
      if (check.keyId) failure.keyId = check.keyId;
      if (check.userDid) failure.did = check.userDid;
      return { principal: null, failure, source };
    }
    return {
      principal: {
        did: check.key.userDid,
        role: check.role,
        via: 'apiKey',
        keyId: check.key.id,
        apiKey: check.key,
      },
      failure: null,
      source,
    };
  }
  const session = resolveSession(services.authDb, token, now, services.settings.get().sessions);
  if (!session.ok) {
    const message =
      session.reason === 'unknown'
        ? 'The session is not known to this hub'
        : `The session has ${session.reason}`;
    return { principal: null, failure: { kind: 'session', reason: session.reason, message }, source };
  }
  const user = findUser(services.hubDb, session.session.did);
  if (!user || !isRole(user.role)) {
    return {
      principal: null,
      failure: {
        kind: 'session',
        reason: 'unknown',
        message: 'The session has no user',
        did: session.session.did,
      },
      source,
    };
  }
  return {
    principal: { did: user.did, role: user.role, via: 'session', sessionId: session.session.id },
    failure: null,
    source,
  };
}

/**
 * Blocklet mode. A bearer that is a hub API key works as everywhere (its user's role is the one Blocklet Server
 * last gave them); a JWT, as bearer or in the `login_token` cookie, is a Blocklet Server login token. The hub's
 * own sessions are not a way in here: people sign in through Blocklet Server.
 */
async function resolveUnderBlocklet(
  services: HubServices,
  credentials: PresentedCredentials,
  ip: string | null,
  request: RequestMeta,
): Promise<Resolution> {
  const { bearer } = credentials;
  const blockletCookie = credentials.blockletCookie ?? null;
  const source =
    bearer !== null ? 'bearer' : blockletCookie !== null || credentials.cookie !== null ? 'cookie' : null;
  if (source === null) return { principal: null, failure: null, source };
  await services.throttle.assertNotBlocked(ip);

  const loginToken = bearer !== null ? (isJwtShaped(bearer) ? bearer : null) : blockletCookie;
  if (loginToken === null) {
    if (bearer !== null && !bearer.startsWith(SESSION_TOKEN_PREFIX)) {
      const resolution = resolveToken(services, bearer, ip, 'bearer');
      if (resolution.failure && GUESSING.has(resolution.failure.reason)) await services.throttle.failure(ip);
      return resolution;
    }
    // A hub session token or cookie: the kind `session`, so that the context drops a stale hub cookie.
    return {
      principal: null,
      failure: { kind: 'session', reason: 'not_blocklet', message: BLOCKLET_FAILURE_MESSAGES.not_blocklet },
      source,
    };
  }

  const verified = await verifyBlockletLoginToken(loginToken);
  if (!verified.ok) {
    if (GUESSING.has(verified.reason)) await services.throttle.failure(ip);
    return {
      principal: null,
      failure: {
        kind: 'blocklet',
        reason: verified.reason,
        message: BLOCKLET_FAILURE_MESSAGES[verified.reason],
      },
      source,
    };
  }
  syncBlockletUser(services, verified.user, request);
  return {
    principal: { did: verified.user.did, role: verified.user.role, via: 'blocklet' },
    failure: null,
    source,
  };
}
