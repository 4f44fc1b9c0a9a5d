/**
 * The one kind of fake the tests allow: a real HTTP server on 127.0.0.1 that speaks an upstream provider's
 * wire format. This file is the provider-neutral part: routing, a log of what arrived, and fault injection
 * (an error status or a delay) that tests switch on and off. Each provider's fake (openai.ts, anthropic.ts,
 * gemini.ts, bedrock.ts) adds its routes, its authentication check and its error body format.
 *
 * Routes answer either with a `FakeReply` (status + JSON) or by writing to the raw response themselves and
 * returning nothing, which is how streaming (SSE) routes are meant to be added.
 */
import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  /** The path as sent (still percent-encoded), without the query. */
  path: string;
  /** The raw query string without `?` ('' when none). */
  rawQuery: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON unless it is a string. */
  body?: unknown;
}

export type FakeHandler = (
  request: FakeRequest,
  response: ServerResponse,
) => FakeReply | undefined | Promise<FakeReply | undefined>;

/** What a test can make the fake do instead of answering normally. */
export type Fault =
  /** Answer every request with this status and the provider's own error body for it. */
  | { type: 'status'; status: number }
  /** Wait this long before answering normally (a slow or hung upstream). */
  | { type: 'delay'; ms: number };

interface Route {
  method: string;
  path: string | RegExp;
  handler: FakeHandler;
}

export abstract class FakeUpstream {
  /** Every request received, in order (tests assert on headers and paths). */
  readonly requests: FakeRequest[] = [];
  fault: Fault | null = null;
  readonly #routes: Route[] = [];
  readonly #server: http.Server;
  readonly #timers = new Set<NodeJS.Timeout>();
  #origin = '';

  protected constructor() {
    this.#server = http.createServer((req, res) => void this.#handle(req, res));
  }

  /** `http://127.0.0.1:<port>`, known after `listen`. */
  get origin(): string {
    return this.#origin;
  }

  protected async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#origin = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.#server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  /** Adds a route; the first route whose method and path match answers. */
  route(method: string, path: string | RegExp, handler: FakeHandler): this {
    this.#routes.push({ method, path, handler });
    return this;
  }

  /** Clears the request log and any fault. */
  reset(): void {
    this.requests.length = 0;
    this.fault = null;
  }

  /** The provider's error body for `status` (its real shape), used for faults and unknown routes. */
  protected abstract errorReply(status: number, message: string): FakeReply;

  async #handle(req: http.IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawUrl = req.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const rawQuery = queryAt === -1 ? '' : rawUrl.slice(queryAt + 1);
    const request: FakeRequest = {
      method: req.method ?? 'GET',
      path: queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt),
      rawQuery,
      query: new URLSearchParams(rawQuery),
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    this.requests.push(request);
    try {
      const fault = this.fault;
      if (fault?.type === 'delay') {
        await this.#sleep(fault.ms);
        if (res.destroyed) return; // the client gave up, as it should have
      }
      const reply =
        fault?.type === 'status'
          ? this.errorReply(fault.status, 'Injected fault')
          : await this.#dispatch(request, res);
      if (reply) send(res, reply);
    } catch (error) {
      if (!res.headersSent) send(res, this.errorReply(500, `Fake failed: ${(error as Error).message}`));
      else res.destroy();
    }
  }

  async #dispatch(request: FakeRequest, res: ServerResponse): Promise<FakeReply | undefined> {
    const route = this.#routes.find(
      (r) =>
        r.method === request.method &&
        (typeof r.path === 'string' ? r.path === request.path : r.path.test(request.path)),
    );
    if (!route) return this.errorReply(404, `No route ${request.method} ${request.path}`);
    return route.handler(request, res);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }
}

function send(res: ServerResponse, reply: FakeReply): void {
  if (res.destroyed) return;
  const isText = typeof reply.body === 'string';
  const body = reply.body === undefined ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json',
    ...reply.headers,
  });
  res.end(body);
}

/** The bearer token of `Authorization: Bearer <token>`, or null. */
export function bearerToken(headers: IncomingHttpHeaders): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
  return match ? match[1]!.trim() : null;
}

/** One header's value (the first when repeated), or null. */
export function header(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

/**
 * What the real APIs do with a wrong key: quote part of it back. The fakes quote more than some providers
 * do (the first 28 characters), deliberately, so that a test proves the hub scrubs what comes back.
 */
export function echoOfKey(key: string): string {
  return key.length > 32 ? `${key.slice(0, 28)}...${key.slice(-4)}` : key;
}
