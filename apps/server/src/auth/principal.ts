/**
 * Who is calling. Every way in (browser session cookie, `Authorization: Bearer` with a hub API key or a session
 * token, and under Blocklet Server its verified identity) becomes one `Principal`. Headers such as
 * `x-user-did` / `x-user-role` are never read here: outside Blocklet mode they are ignored.
 */
import { isRole, type Role } from '@aigne-hub/core';
import type { ApiKey } from '@aigne-hub/db';
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
}

export interface AuthFailure {
  kind: 'apiKey' | 'session';
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
const GUESSING = new Set(['malformed', 'unknown']);

export function hasScope(principal: Principal, scope: ApiKeyScope): boolean {
  return principal.via !== 'apiKey' || (principal.apiKey?.scopes ?? []).includes(scope);
}

/**
 * Resolves presented credentials. A bearer token wins over the cookie (a program sets it on purpose). An
 * address that has guessed too often gets a RateLimitedError before anything is looked up.
 */
export async function resolvePrincipal(
  services: HubServices,
  credentials: PresentedCredentials,
  ip: string | null,
): Promise<Resolution> {
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
