/**
 * HTTP plumbing shared by the gateway's dialects: who is calling (hub API key or browser session), the client's
 * abort signal, error answers, and writing a Server-Sent Events stream with backpressure.
 */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { UnauthorizedError } from '@aigne-hub/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readSessionCookie } from '../auth/cookies';
import { originAllowed } from '../auth/origin';
import { hasScope, resolvePrincipal } from '../auth/principal';
import { blockletLoginCookie } from '../blocklet/session';
import type { HubServices } from '../services';
import { GatewayError, toGatewayError } from './errors';
import type { GatewayCaller } from './service';

const header = (value: string | string[] | undefined): string | null =>
  Array.isArray(value) ? (value[0] ?? null) : (value ?? null);

export function requestMeta(request: FastifyRequest) {
  return { requestId: request.id, ip: request.ip, userAgent: header(request.headers['user-agent']) };
}

/**
 * The caller of a gateway request. Hub API keys come as `Authorization: Bearer ahk_...` (never in the URL);
 * the Playground uses its session cookie, for which a POST must come from the hub's own origin (CSRF).
 * Failures are audited as denied under `action`.
 */
export async function gatewayCaller(
  services: HubServices,
  request: FastifyRequest,
  reply: FastifyReply,
  action: string,
): Promise<GatewayCaller> {
  const meta = requestMeta(request);
  const authorization = header(request.headers.authorization);
  const bearer =
    authorization && /^Bearer\s+/i.test(authorization)
      ? authorization.replace(/^Bearer\s+/i, '').trim()
      : null;
  const cookie = readSessionCookie(request.cookies);
  const deny = (error: GatewayError, reason: string): never => {
    services.audit.record({ did: null, role: null, via: null }, meta, {
      action,
      outcome: 'denied',
      reason,
      targetType: 'endpoint',
      targetId: request.url.split('?', 1)[0]!.slice(0, 200),
    });
    throw error;
  };
  let resolution;
  try {
    resolution = await resolvePrincipal(
      services,
      { bearer, cookie, blockletCookie: blockletLoginCookie(services.env, request.cookies) },
      request.ip,
      meta,
    );
  } catch (error) {
    return deny(toGatewayError(error), 'too many failed attempts');
  }
  const { principal, failure } = resolution;
  if (!principal) {
    const message =
      failure?.message ?? 'Missing credentials: send a hub API key as "Authorization: Bearer ahk_..."';
    return deny(
      toGatewayError(new UnauthorizedError(message)),
      failure ? `${failure.kind}: ${failure.reason}` : 'no credentials',
    );
  }
  if (!hasScope(principal, 'ai')) {
    return deny(
      new GatewayError(
        403,
        'permission_error',
        'missing_scope',
        'This API key may not call the AI endpoints (no "ai" scope)',
      ),
      'api key without ai scope',
    );
  }
  if (resolution.source === 'cookie' && request.method !== 'GET') {
    const allowed = [services.publicUrl.origin, `${request.protocol}://${request.host}`];
    const headers = {
      origin: header(request.headers.origin),
      referer: header(request.headers.referer),
      secFetchSite: header(request.headers['sec-fetch-site']),
    };
    if (!originAllowed(headers, allowed)) {
      return deny(
        new GatewayError(403, 'permission_error', 'cross_origin', 'Cross-origin request refused'),
        'cross-origin request',
      );
    }
  }
  return { principal, request: meta, signal: clientSignal(reply.raw) };
}

/** Aborted when the client disconnects before the response is complete. */
export function clientSignal(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort(new Error('The client went away'));
  });
  return controller.signal;
}

/** Sends a gateway error in OpenAI's shape (also the AIGNE clients' shape), with Retry-After where it applies. */
export function sendError(reply: FastifyReply, error: unknown, log = true): FastifyReply {
  const failure = toGatewayError(error);
  if (log && failure.status >= 500)
    reply.log.warn({ err: error, status: failure.status }, 'gateway request failed');
  if (failure.retryAfterSeconds !== null) void reply.header('retry-after', String(failure.retryAfterSeconds));
  return reply.code(failure.status).send(failure.toBody());
}

/**
 * Writes Server-Sent Events on a hijacked response, waiting for `drain` when the socket is full (a slow client
 * must not make the hub buffer a whole stream) and giving up when the client is gone.
 */
export class SseWriter {
  readonly #response: ServerResponse;

  constructor(reply: FastifyReply, request: FastifyRequest) {
    reply.hijack();
    this.#response = reply.raw;
    this.#response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': request.id,
    });
  }

  get closed(): boolean {
    return this.#response.destroyed || this.#response.writableEnded;
  }

  /** Writes one event (`data:` line, and `event:` when named); resolves when the socket can take more. */
  async send(data: string, event?: string): Promise<void> {
    if (this.closed) return;
    const frame = event ? `event: ${event}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
    if (!this.#response.write(frame)) {
      await Promise.race([once(this.#response, 'drain'), once(this.#response, 'close')]);
    }
  }

  end(): void {
    if (!this.closed) this.#response.end();
  }
}
