/**
 * The operator's endpoints and the per-request hook that feeds the HTTP metrics:
 *
 * - `GET /api/ready`: 200 `{ ready: true, checks }` or 503 `{ ready: false, checks, reasons }` (readiness.ts).
 *   Public, like `/api/health`: load balancers probe it without credentials, and it reveals nothing sensitive.
 * - `GET /metrics`: Prometheus text format (metrics.ts), for the scrape token or an admin (scrape-auth.ts).
 *
 * Call `observeRequests` before any route is registered, so that every route gets the hook.
 */
import type { HubApp } from '../app';
import type { HubServices } from '../services';
import { checkReadiness } from './readiness';
import { authorizeScrape } from './scrape-auth';

const ERROR_CODE = { 401: 'unauthorized', 403: 'forbidden', 429: 'rate_limited' } as const;

/** Counts and times every answered request by its route pattern (never the raw URL: bounded labels). */
export function observeRequests(app: HubApp, services: HubServices): void {
  const metrics = services.gateway.metrics;
  app.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequest(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
}

export function registerObservabilityRoutes(app: HubApp, services: HubServices): void {
  app.get('/api/ready', (_request, reply) => {
    const readiness = checkReadiness(services.databases);
    return reply.code(readiness.ready ? 200 : 503).send(readiness);
  });

  app.get('/metrics', async (request, reply) => {
    const decision = await authorizeScrape(services, request);
    if (!decision.ok) {
      if (decision.status === 401) void reply.header('www-authenticate', 'Bearer realm="aigne-hub metrics"');
      if (decision.retryAfterSeconds !== undefined)
        void reply.header('retry-after', String(decision.retryAfterSeconds));
      return reply
        .code(decision.status)
        .send({ error: ERROR_CODE[decision.status], message: decision.message });
    }
    const { metrics } = services.gateway;
    const text = await metrics.render();
    return reply.header('cache-control', 'no-store').type(metrics.contentType).send(text);
  });
}
