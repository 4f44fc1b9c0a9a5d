/**
 * The tRPC context: the services, the resolved principal and what the request said about itself. Built per
 * request by the Fastify adapter; tests build it with `createInnerContext` over the same services.
 */
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { RequestMeta } from '../audit/audit-trail';
import { readSessionCookie, sessionCookieName } from '../auth/cookies';
import type { OriginHeaders } from '../auth/origin';
import { resolvePrincipal, type AuthFailure, type Principal } from '../auth/principal';
import { blockletLoginCookie } from '../blocklet/session';
import type { HubServices } from '../services';

export interface ResponseControl {
  setCookie(name: string, value: string, options: CookieSerializeOptions): void;
  clearCookie(name: string, options: CookieSerializeOptions): void;
  setHeader(name: string, value: string): void;
}

export interface Context {
  services: HubServices;
  principal: Principal | null;
  /** Why presented credentials were refused (null when none were presented or they were good). */
  authFailure: AuthFailure | null;
  /** Where the credentials came from, for the CSRF check. */
  credentialSource: 'bearer' | 'cookie' | null;
  /** A rate limit hit while resolving credentials: the call is answered 429. */
  blocked: Error | null;
  request: RequestMeta & OriginHeaders & { ownOrigin: string | null };
  response: ResponseControl;
}

const header = (value: string | string[] | undefined): string | null =>
  Array.isArray(value) ? (value[0] ?? null) : (value ?? null);

export async function createContext(
  services: HubServices,
  { req, res }: CreateFastifyContextOptions,
): Promise<Context> {
  const authorization = header(req.headers.authorization);
  const bearer =
    authorization && /^Bearer\s+/i.test(authorization)
      ? authorization.replace(/^Bearer\s+/i, '').trim()
      : null;
  const cookie = readSessionCookie(req.cookies);
  const blockletCookie = blockletLoginCookie(services.env, req.cookies);
  const request = {
    requestId: req.id,
    ip: req.ip,
    userAgent: header(req.headers['user-agent']),
    origin: header(req.headers.origin),
    referer: header(req.headers.referer),
    secFetchSite: header(req.headers['sec-fetch-site']),
    ownOrigin: req.host ? `${req.protocol}://${req.host}` : null,
  };
  const response: ResponseControl = {
    setCookie: (name, value, options) => void res.setCookie(name, value, options),
    clearCookie: (name, options) => void res.clearCookie(name, options),
    setHeader: (name, value) => void res.header(name, value),
  };
  let resolution;
  try {
    resolution = await resolvePrincipal(services, { bearer, cookie, blockletCookie }, request.ip, request);
  } catch (error) {
    return {
      services,
      principal: null,
      authFailure: null,
      credentialSource: null,
      blocked: error as Error,
      request,
      response,
    };
  }
  // A hub cookie that no longer opens a session is removed, so the browser stops sending it (Blocklet
  // Server's own cookie is Blocklet Server's to manage).
  if (resolution.source === 'cookie' && resolution.failure?.kind === 'session') {
    response.clearCookie(sessionCookieName(services.publicUrl.secure), { path: '/' });
  }
  return {
    services,
    principal: resolution.principal,
    authFailure: resolution.failure,
    credentialSource: resolution.source,
    blocked: null,
    request,
    response,
  };
}

/** A context without HTTP, for tests and in-process callers. */
export function createInnerContext(
  services: HubServices,
  overrides: Partial<Omit<Context, 'services'>> = {},
): Context {
  return {
    services,
    principal: null,
    authFailure: null,
    credentialSource: null,
    blocked: null,
    request: {
      requestId: 'test',
      ip: '127.0.0.1',
      userAgent: 'test',
      origin: null,
      referer: null,
      secFetchSite: null,
      ownOrigin: null,
    },
    response: { setCookie: () => undefined, clearCookie: () => undefined, setHeader: () => undefined },
    ...overrides,
  };
}
