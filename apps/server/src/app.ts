/**
 * The HTTP application: one Fastify instance serving the API, the AI gateway and the built web app on one
 * port. It receives everything it needs (no globals), so tests build it over temporary databases.
 */
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { GatewayError } from './gateway/errors';
import { registerAigneRoutes } from './gateway/routes/aigne';
import { registerOpenAIRoutes } from './gateway/routes/openai';
import { registerDidConnectRoutes } from './auth/did-connect/routes';
import { requestIdFor } from './observability/request-id';
import { observeRequests, registerObservabilityRoutes } from './observability/routes';
import { appRouter, type AppRouter } from './routers/_app';
import type { HubServices } from './services';
import { createContext } from './trpc/context';
import { HUB_VERSION } from './version';

export interface AppOptions {
  services: HubServices;
  /** Folder of the built web app; when it holds no index.html a placeholder page is served instead. */
  webDir: string;
}

export type HubApp = FastifyInstance<http.Server, http.IncomingMessage, http.ServerResponse, Logger>;

function trustHops(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}

export async function createApp({ services, webDir }: AppOptions): Promise<HubApp> {
  const app = Fastify({
    loggerInstance: services.logger,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    // A request id for every request: the caller's x-request-id when well formed (observability/request-id),
    // else a new UUID. Every log line of the request carries it, and the answer sends it back.
    genReqId: (request) => requestIdFor(request.headers),
    // A hop count n believes the n nearest proxies (Fastify's number form, which its types do not list).
    trustProxy:
      typeof services.env.trustProxy === 'number'
        ? trustHops(services.env.trustProxy)
        : services.env.trustProxy,
    bodyLimit: 1024 * 1024,
    // Slow clients cannot hold connections open (slowloris): the headers must arrive within
    // headersTimeout and the whole request within requestTimeout (Node answers 408 and closes). Node checks
    // these on an interval; a short one keeps the limits close to what is configured. Headers over 16 KiB
    // get 431.
    requestTimeout: services.env.requestTimeoutMs,
    http: {
      headersTimeout: services.env.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, services.env.headersTimeoutMs / 2),
      maxHeaderSize: 16 * 1024,
    },
    return503OnClosing: true,
    routerOptions: { maxParamLength: 500 },
  });

  await app.register(fastifyCookie);
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });
  // One line per request. The path only: query strings can carry tRPC input, which is not the log's business.
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        path: request.url.split('?', 1)[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        ip: request.ip,
      },
      'request',
    );
    done();
  });

  observeRequests(app, services);

  app.get('/api/health', () => ({ ok: true, version: HUB_VERSION }));
  registerObservabilityRoutes(app, services);

  // Errors Fastify raises itself (malformed JSON, a body over the limit, a wrong content type): the gateway's
  // dialects answer in OpenAI's error shape, everything else in a plain one. Never a stack.
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'unhandled error');
    const message = status === 500 ? 'Internal error' : error.message;
    if (/^\/api\/(v1|v2|ai)\//.test(request.url)) {
      const type =
        status === 413 ? 'request_too_large' : status === 500 ? 'api_error' : 'invalid_request_error';
      return reply
        .code(status)
        .send(new GatewayError(status, type, error.code ?? 'invalid_request', message).toBody());
    }
    return reply.code(status).send({ error: error.code ?? 'error', message });
  });

  registerOpenAIRoutes(app, services);
  registerAigneRoutes(app, services);

  registerDidConnectRoutes(app, services);

  await app.register(fastifyTRPCPlugin, {
    prefix: '/api/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: (options) => createContext(services, options),
      onError({ error, path, req }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          req.log.error({ err: error.cause ?? error, path }, 'procedure failed');
        }
      },
    },
  } satisfies FastifyTRPCPluginOptions<AppRouter>);

  await serveWebApp(app, webDir);
  return app;
}

async function serveWebApp(app: HubApp, webDir: string): Promise<void> {
  if (!fs.existsSync(path.join(webDir, 'index.html'))) {
    app.get('/', (_request, reply) => reply.type('text/html').send(placeholderPage()));
    return;
  }
  await app.register(fastifyStatic, { root: webDir, wildcard: false, index: ['index.html'] });
  // Client-side routes (/admin, /playground...) all load the app shell; unknown /api paths stay 404.
  app.setNotFoundHandler((request, reply) => {
    if (request.method === 'GET' && !request.url.startsWith('/api/')) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply
      .code(404)
      .send({ error: 'not_found', message: `No route for ${request.method} ${request.url}` });
  });
}

function placeholderPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>aigne-hub</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>aigne-hub ${HUB_VERSION}</h1>
<p>The hub is running. The web app has not been built: run <code>pnpm --filter @aigne-hub/web build</code>.</p>
<p>Health: <a href="/api/health">/api/health</a></p></main></body></html>`;
}
