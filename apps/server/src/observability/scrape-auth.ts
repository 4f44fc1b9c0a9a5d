/**
 * Who may read `/metrics`. Metrics are not secret the way keys are, but they tell a stranger how busy the hub
 * is, which providers it uses and how its keys fare, so they are not public. Two ways in, both as
 * `Authorization: Bearer <token>`:
 *
 * - the scrape token `HUB_METRICS_TOKEN`, for Prometheus (compared in constant time, no database work);
 * - a hub API key (or session token) of an owner or admin; an API key needs the `api` scope, as for the
 *   hub's other non-AI API.
 *
 * Missing or wrong credentials answer 401, right credentials of a too-small role 403. Refusals are audited
 * (`metrics.scrape`, denied), and wrong tokens count against the address's failed-attempt budget like any
 * other guessed credential, so the scrape token cannot be brute-forced.
 */
import { digestsEqual, hasAtLeast } from '@aigne-hub/core';
import type { FastifyRequest } from 'fastify';
import { actorOf } from '../trpc/procedures';
import { hasScope, resolvePrincipal } from '../auth/principal';
import { requestMeta } from '../gateway/http';
import type { HubServices } from '../services';

export type ScrapeDecision =
  | { ok: true; via: 'token' | 'principal' }
  | { ok: false; status: 401 | 403 | 429; message: string; retryAfterSeconds?: number };

const AUDIT_ACTION = 'metrics.scrape';

export async function authorizeScrape(
  services: HubServices,
  request: FastifyRequest,
): Promise<ScrapeDecision> {
  const authorization = request.headers.authorization;
  const bearer =
    authorization && /^Bearer\s+/i.test(authorization)
      ? authorization.replace(/^Bearer\s+/i, '').trim()
      : null;
  const meta = requestMeta(request);
  const refuse = (
    status: 401 | 403,
    reason: string,
    message: string,
    actor = actorOf(null),
  ): ScrapeDecision => {
    services.audit.record(actor, meta, {
      action: AUDIT_ACTION,
      outcome: 'denied',
      reason,
      targetType: 'endpoint',
      targetId: '/metrics',
    });
    return { ok: false, status, message };
  };

  if (!bearer) {
    return refuse(
      401,
      'no credentials',
      'Send a metrics token or an admin API key as "Authorization: Bearer"',
    );
  }
  const token = services.env.metricsToken;
  if (token !== undefined && digestsEqual(bearer, token)) return { ok: true, via: 'token' };

  let resolution;
  try {
    resolution = await resolvePrincipal(services, { bearer, cookie: null }, request.ip, meta);
  } catch (error) {
    const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    return {
      ok: false,
      status: 429,
      message: 'Too many failed attempts from this address; retry later',
      ...(typeof retryAfter === 'number' && { retryAfterSeconds: retryAfter }),
    };
  }
  const { principal, failure } = resolution;
  if (!principal) {
    return refuse(
      401,
      failure ? `${failure.kind}: ${failure.reason}` : 'bad credentials',
      'The metrics token or API key is not valid',
    );
  }
  if (!hasScope(principal, 'api')) {
    return refuse(
      403,
      'api key without api scope',
      'This API key may only call the AI endpoints (no "api" scope)',
      actorOf(principal),
    );
  }
  if (!hasAtLeast(principal.role, 'admin')) {
    return refuse(
      403,
      `role ${principal.role} below admin`,
      'Metrics need the admin role',
      actorOf(principal),
    );
  }
  return { ok: true, via: 'principal' };
}
