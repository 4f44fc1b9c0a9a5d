/**
 * Signing in with the DID Wallet app by scanning a QR code (standalone mode; under Blocklet Server sign-in
 * is Blocklet Server's and these routes do not exist). The DID Connect protocol itself, the wallet's side,
 * is ArcBlock's `@arcblock/did-connect-js` (WalletAuthenticator signs the hub's requests with the hub's app
 * wallet and verifies the wallet's answers; WalletHandlers runs the steps); the hub opens the sessions,
 * keeps them in auth.db (store.ts) and signs the browser in.
 *
 * REST shape for the web app (JSON in and out, same origin only: a request whose Origin is not the hub's is
 * refused with 403):
 *
 *   POST /api/did/login/token    body: {} (or none)
 *     200 { token, url, pollKey, expiresAt }
 *         `url` is the deep link to show as the QR code (https://abtwallet.io/i/?action=requestAuth&url=...);
 *         on a phone it can also be opened as a link. `pollKey` stays in the page that asked: it is what
 *         makes this browser, and no one else, the one that picks up the sign-in. Never put it in the QR code.
 *         `expiresAt` (ISO): the QR code works for 5 minutes; after that, ask for a new one.
 *     429 too many new sign-ins from this address (Retry-After)
 *
 *   POST /api/did/login/status   body: { token, pollKey, setupCode? }      poll every 1-2 seconds
 *     200 { status: 'created' }                  the QR code is waiting to be scanned
 *     200 { status: 'scanned' | 'busy' }         a wallet is on it; keep polling
 *     200 { status: 'error', error }             the wallet declined or its answer was refused: start again
 *     200 { status: 'succeed', token, expiresAt, becameOwner, user: { did, role, credits } }
 *         once: signed in. The session cookie is set on this response (as `auth.login` does); `token` is
 *         the same session token, for programs that send it as `Authorization: Bearer`.
 *     404 { error: 'not_found', message }        unknown, expired, already picked up, or not this pollKey
 *     401 { error: 'unauthorized', message }     `setupCode` was given and is not the hub's (or the hub has
 *                                                an owner already): the sign-in is used up, nobody is signed in
 *     400 malformed body; 403 cross-origin; 429 too many failed attempts (Retry-After)
 *   `setupCode` is the one-time owner setup code (see `auth.setupStatus`), sent only to claim an ownerless hub.
 *
 * Wallet endpoints (the DID Connect protocol; the deep link points the wallet at the first one):
 *   GET  /api/did/login/auth?_t_=<token>          the hub's signed request for the wallet's DID
 *   POST /api/did/login/auth?_t_=<token>          the wallet's signed answer { userPk, userInfo }
 *   GET  /api/did/login/auth/submit?_t_=<token>   the same answer from DID Wallet's web version
 * Every refused answer (bad signature, an issuer that is not the signing key's DID, an expired token, a
 * wrong challenge, a replay) is audited as a denied `auth.login`, like a refused `auth.login` call.
 */
import { randomBytes } from 'node:crypto';
import { isHubError, parseAbtDid, RateLimitedError, ValidationError, type HubError } from '@aigne-hub/core';
import type { ConnectRequest, WalletAuthenticator } from '@arcblock/did-connect-js';
import { decode as decodeJwt } from '@arcblock/jwt';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { HubApp } from '../../app';
import type { RequestMeta } from '../../audit/audit-trail';
import type { HubServices } from '../../services';
import { fromMicroCredits } from '../../users/users';
import { sessionCookieName, sessionCookieOptions } from '../cookies';
import { originAllowed } from '../origin';
import { loadOrCreateAppWallet } from './app-wallet';
import {
  connectRequest,
  runConnectChain,
  type ConnectAnswer,
  type ConnectMiddleware,
} from './fastify-bridge';
import { completeConnectSignIn } from './sign-in';
import { ConnectSessionStore } from './store';

export const DID_CONNECT_PREFIX = '/api/did';
export const DID_CONNECT_ACTION = 'login';
const BASE = `${DID_CONNECT_PREFIX}/${DID_CONNECT_ACTION}`;

/** New sign-ins one address may open per minute: plenty for people, a bound on auth.db growth. */
const SESSIONS_PER_MINUTE = 60;

const createBody = z.object({}).strict().optional();

const statusBody = z
  .object({
    token: z.string().regex(/^[0-9a-f]{32}$/, 'token must be the token /api/did/login/token returned'),
    pollKey: z.string().min(1, 'pollKey is required').max(100),
    setupCode: z.string().trim().min(1).max(64).optional(),
  })
  .strict();

const header = (value: string | string[] | undefined): string | null =>
  Array.isArray(value) ? (value[0] ?? null) : (value ?? null);

/** 16 random bytes in upper-case hex: the shape of the library's own step challenges. */
const newChallenge = () => randomBytes(16).toString('hex').toUpperCase();

function requestMeta(request: FastifyRequest): RequestMeta {
  return { requestId: request.id, ip: request.ip, userAgent: header(request.headers['user-agent']) };
}

interface WalletChains {
  request: ConnectMiddleware[];
  answer: ConnectMiddleware[];
  submit: ConnectMiddleware[];
}

/** What a wallet's answer came to, read back from the hub's own signed reply. */
function answerOutcome(answer: ConnectAnswer): { refused: false } | { refused: true; reason: string } {
  const body = answer.body as { authInfo?: unknown; error?: unknown } | null;
  if (answer.status >= 400 || typeof body !== 'object' || body === null) {
    return { refused: true, reason: 'unreadable answer' };
  }
  if (typeof body.error === 'string') return { refused: true, reason: body.error };
  if (typeof body.authInfo !== 'string') return { refused: false };
  try {
    const reply = decodeJwt(body.authInfo) as { status?: unknown; errorMessage?: unknown };
    if (reply.status !== 'error') return { refused: false };
    return { refused: true, reason: typeof reply.errorMessage === 'string' ? reply.errorMessage : 'refused' };
  } catch {
    return { refused: true, reason: 'unreadable answer' };
  }
}

/** The DID a wallet's answer claims (its token's issuer), unverified: only for the audit trail of a refusal. */
function claimedDid(fields: Record<string, unknown>): string | null {
  if (typeof fields.userInfo !== 'string') return null;
  try {
    const { iss } = decodeJwt(fields.userInfo) as { iss?: unknown };
    return typeof iss === 'string' ? iss.slice(0, 200) : null;
  } catch {
    return null;
  }
}

class DidConnect {
  readonly #store: ConnectSessionStore;
  readonly #limiter = new RateLimiterMemory({ points: SESSIONS_PER_MINUTE, duration: 60 });
  #machinery: Promise<{ authenticator: WalletAuthenticator; chains: WalletChains }> | undefined;

  constructor(private readonly services: HubServices) {
    this.#store = new ConnectSessionStore(services.authDb, services.clock);
  }

  /**
   * The library's objects, built on first use: they need the hub's public URL, known only once it listens
   * (callback URLs are built from it, never from the request's Host header, which a client chooses). The
   * library itself is loaded then too: it and its crypto dependencies are some 40 MB of memory that a hub
   * whose people never scan a QR code does not need to carry.
   */
  #get() {
    this.#machinery ??= this.#build();
    return this.#machinery;
  }

  async #build() {
    const { WalletAuthenticator, WalletHandlers } = await import('@arcblock/did-connect-js');
    const { publicUrl, logger } = this.services;
    const { wallet } = loadOrCreateAppWallet(this.services);
    const authenticator = new WalletAuthenticator({
      wallet,
      baseUrl: publicUrl.href,
      appInfo: {
        name: 'aigne-hub',
        description: `Sign in to the aigne-hub AI gateway at ${publicUrl.domain}`,
        icon: `${publicUrl.href}/favicon.svg`,
        link: publicUrl.href,
      },
    });
    const handlers = new WalletHandlers({
      authenticator,
      tokenStorage: this.#store,
      options: { prefix: DID_CONNECT_PREFIX },
    });
    // `attach` registers Express-style routes; this records them so that Fastify can serve the wallet's ones.
    const routes = new Map<string, ConnectMiddleware[]>();
    const recorder = {
      use: () => undefined,
      get: (path: string, ...chain: ConnectMiddleware[]) => void routes.set(`GET ${path}`, chain),
      post: (path: string, ...chain: ConnectMiddleware[]) => void routes.set(`POST ${path}`, chain),
    };
    handlers.attach({
      app: recorder,
      action: DID_CONNECT_ACTION,
      authPrincipal: `Sign in to aigne-hub at ${publicUrl.domain}`,
      onAuth: ({ req, userDid }: { req: ConnectRequest; userDid: string }) => this.#verified(req, userDid),
      onError: ({ stage, err }: { stage: string; err: Error }) =>
        logger.info({ stage, reason: err.message }, 'DID Connect step refused'),
    });
    const chain = (key: string): ConnectMiddleware[] => {
      const found = routes.get(key);
      if (!found) throw new Error(`@arcblock/did-connect-js registered no ${key}`);
      return found;
    };
    return {
      authenticator,
      chains: {
        request: chain(`GET ${BASE}/auth`),
        answer: chain(`POST ${BASE}/auth`),
        submit: chain(`GET ${BASE}/auth/submit`),
      },
    };
  }

  /**
   * The library calls this once a wallet's answer verified (signature by the key of the DID it names, not
   * expired, the session's challenge). Throwing makes the library refuse the answer to the wallet.
   */
  #verified(req: ConnectRequest, userDid: string): { successMessage: string } {
    const parsed = parseAbtDid(userDid);
    if (!parsed.ok) {
      throw new Error(
        parsed.reason === 'unsupported_key_type'
          ? 'This kind of DID is not supported; choose a DID Wallet account with an ed25519 or secp256k1 key'
          : 'The DID is malformed',
      );
    }
    const token = (req.context as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || !this.#store.markVerified(token, parsed.value.did)) {
      throw new Error('This sign-in has been completed already; start a new one');
    }
    return { successMessage: 'Signed in. You can go back to your browser.' };
  }

  // ---- browser ----

  async create(request: FastifyRequest, reply: FastifyReply) {
    if (!this.#sameOrigin(request, 'auth.didConnect.token')) return forbidden(reply);
    const parsed = createBody.safeParse(request.body ?? undefined);
    if (!parsed.success) return badRequest(reply, parsed.error.issues[0]?.message);
    try {
      await this.services.throttle.assertNotBlocked(request.ip);
      await this.#consumeCreation(request.ip);
    } catch (error) {
      return sendHubError(reply, error);
    }
    const { authenticator } = await this.#get();
    const opened = this.#store.open({
      currentStep: 0,
      // No MFA digits: the authPrincipal claim asks for none, and the web page shows none.
      mfaSupported: false,
      challenge: newChallenge(),
      sharedKey: newChallenge(),
      extraParams: {},
    });
    const url = authenticator.uri({
      baseUrl: this.services.publicUrl.href,
      pathname: `${BASE}/auth`,
      token: opened.token,
    });
    return reply.send({
      token: opened.token,
      url,
      pollKey: opened.pollKey,
      expiresAt: opened.expiresAt.toISOString(),
    });
  }

  async status(request: FastifyRequest, reply: FastifyReply) {
    if (!this.#sameOrigin(request, 'auth.didConnect.status')) return forbidden(reply);
    const parsed = statusBody.safeParse(request.body);
    if (!parsed.success) return badRequest(reply, parsed.error.issues[0]?.message);
    const { services } = this;
    const meta = requestMeta(request);
    try {
      await services.throttle.assertNotBlocked(request.ip);
      const result = this.#store.poll(parsed.data.token, parsed.data.pollKey);
      switch (result.kind) {
        case 'pending':
          return reply.send(
            result.status === 'error'
              ? { status: 'error', error: result.error ?? 'Refused' }
              : { status: result.status },
          );
        case 'verified': {
          const signedIn = await completeConnectSignIn(services, result.did, parsed.data.setupCode, meta);
          const secure = services.publicUrl.secure;
          void reply.setCookie(
            sessionCookieName(secure),
            signedIn.token,
            sessionCookieOptions(secure, signedIn.session.expiresAt),
          );
          return reply.send({
            status: 'succeed',
            token: signedIn.token,
            expiresAt: signedIn.session.expiresAt.toISOString(),
            becameOwner: signedIn.becameOwner,
            user: {
              did: signedIn.user.did,
              role: signedIn.user.role,
              credits: fromMicroCredits(signedIn.user.credits),
            },
          });
        }
        case 'wrong_key':
          // Someone holding the QR code's token but not the page's key: trying to take another's sign-in.
          services.audit.record({ did: null, role: null, via: 'session' }, meta, {
            action: 'auth.login',
            outcome: 'denied',
            reason: 'did-connect: wrong poll key',
            targetType: 'session',
            details: { method: 'did-connect' },
          });
          await services.throttle.failure(request.ip);
          return notFound(reply);
        case 'unknown':
          return notFound(reply);
      }
    } catch (error) {
      return sendHubError(reply, error);
    }
  }

  // ---- wallet ----

  async walletRequest(request: FastifyRequest, reply: FastifyReply) {
    const answer = await runConnectChain((await this.#get()).chains.request, connectRequest(request));
    return walletReply(reply, answer);
  }

  async walletAnswer(request: FastifyRequest, reply: FastifyReply, via: 'answer' | 'submit') {
    const { services } = this;
    const meta = requestMeta(request);
    const req = connectRequest(request);
    const fields: Record<string, unknown> = { ...req.body, ...req.query };
    try {
      await services.throttle.assertNotBlocked(request.ip);
    } catch (error) {
      return sendHubError(reply, error);
    }
    const machinery = await this.#get();
    const answer = await runConnectChain(
      via === 'answer' ? machinery.chains.answer : machinery.chains.submit,
      req,
    );
    const outcome = answerOutcome(answer);
    if (outcome.refused) {
      const did = claimedDid(fields);
      services.audit.record({ did: null, role: null, via: 'session' }, meta, {
        action: 'auth.login',
        outcome: 'denied',
        reason: `did-connect: ${outcome.reason}`.slice(0, 200),
        targetType: 'user',
        targetId: did,
        details: { method: 'did-connect' },
      });
      await services.throttle.failure(request.ip, did ?? undefined);
      // Tell the page that is polling (the library does not for every refusal, e.g. a wrong challenge).
      const token = fields._t_;
      if (typeof token === 'string')
        await this.#store.update(token, { status: 'error', error: outcome.reason });
    }
    return walletReply(reply, answer);
  }

  async #consumeCreation(ip: string | null) {
    try {
      await this.#limiter.consume(`ip:${ip ?? 'unknown'}`);
    } catch (rejection) {
      const waitMs = (rejection as { msBeforeNext?: number }).msBeforeNext ?? 60_000;
      throw new RateLimitedError('Too many new sign-ins from this address', Math.ceil(waitMs / 1000));
    }
  }

  /** CSRF: the browser endpoints set a session cookie, so only the hub's own pages may call them. */
  #sameOrigin(request: FastifyRequest, action: string): boolean {
    const allowed = [this.services.publicUrl.origin, `${request.protocol}://${request.host}`];
    const ok = originAllowed(
      {
        origin: header(request.headers.origin),
        referer: header(request.headers.referer),
        secFetchSite: header(request.headers['sec-fetch-site']),
      },
      allowed,
    );
    if (!ok) {
      this.services.audit.record({ did: null, role: null, via: null }, requestMeta(request), {
        action,
        outcome: 'denied',
        reason: 'cross-origin request',
        targetType: 'endpoint',
        targetId: request.url.split('?', 1)[0]!.slice(0, 200),
      });
    }
    return ok;
  }
}

/** Wallets may be web pages on another origin (DID Wallet's web version); these answers carry no cookie. */
function walletReply(reply: FastifyReply, answer: ConnectAnswer) {
  return reply.header('access-control-allow-origin', '*').code(answer.status).send(answer.body);
}

const STATUS_BY_KIND: Partial<Record<HubError['kind'], number>> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
};

function sendHubError(reply: FastifyReply, error: unknown) {
  if (!isHubError(error)) throw error;
  const status = STATUS_BY_KIND[error.kind];
  if (status === undefined) throw error;
  if (error instanceof RateLimitedError) void reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.code(status).send({ error: error.kind, message: error.message });
}

const badRequest = (reply: FastifyReply, message: string | undefined) =>
  sendHubError(reply, new ValidationError(message ?? 'The request body is not valid'));

const forbidden = (reply: FastifyReply) =>
  reply.code(403).send({ error: 'forbidden', message: 'Cross-origin request refused' });

const notFound = (reply: FastifyReply) =>
  reply.code(404).send({
    error: 'not_found',
    message: 'Unknown or expired sign-in; start a new one',
  });

/** Mounts the DID Connect routes (standalone mode only). */
export function registerDidConnectRoutes(app: HubApp, services: HubServices): void {
  if (services.env.blocklet) return;
  const connect = new DidConnect(services);
  app.post(`${BASE}/token`, (request, reply) => connect.create(request, reply));
  app.post(`${BASE}/status`, (request, reply) => connect.status(request, reply));
  app.get(`${BASE}/auth`, (request, reply) => connect.walletRequest(request, reply));
  app.post(`${BASE}/auth`, (request, reply) => connect.walletAnswer(request, reply, 'answer'));
  app.get(`${BASE}/auth/submit`, (request, reply) => connect.walletAnswer(request, reply, 'submit'));
  for (const path of [`${BASE}/auth`, `${BASE}/auth/submit`]) {
    app.options(path, (_request, reply) =>
      reply
        .code(204)
        .header('access-control-allow-origin', '*')
        .header('access-control-allow-methods', 'GET, POST, OPTIONS')
        .header('access-control-allow-headers', 'content-type')
        .send(),
    );
  }
}
