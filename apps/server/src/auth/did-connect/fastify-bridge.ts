/**
 * Runs `@arcblock/did-connect-js`'s handlers on Fastify. The library speaks Express-style
 * `(req, res, next)` middleware over its framework-neutral `ConnectRequest` / `ConnectResponse`; this module
 * builds those from a Fastify request, captures the one answer the chain sends, and hands it back.
 *
 * The library sends some answers after its handler has returned (a signed error is signed asynchronously and
 * not awaited), so the answer is whatever reaches `jsonp`/`json`/`status().json` first, waited for with a
 * bound; a chain that throws before answering becomes a thrown error for Fastify's error handler.
 */
import type { ConnectRequest, ConnectResponse } from '@arcblock/did-connect-js';
import type { FastifyRequest } from 'fastify';

export type ConnectMiddleware = (req: ConnectRequest, res: ConnectResponse, next: () => void) => unknown;

export interface ConnectAnswer {
  status: number;
  body: unknown;
}

/** Longer than the library's own 8-second bound on signing a request, so its timeouts surface as its errors. */
const ANSWER_TIMEOUT_MS = 15_000;

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/**
 * Only string values, one per name (the first of a repeated query parameter), in a fresh object: the library
 * merges body and query into its parameters, and nothing it reads is anything but a string.
 */
function stringFields(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const fields: Record<string, string> = {};
  for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
    const text = Array.isArray(field) ? (field as unknown[])[0] : field;
    if (typeof text === 'string') fields[key] = text;
  }
  return fields;
}

/** The library's view of a Fastify request. Cookies are not passed: nothing the hub mounts needs them. */
export function connectRequest(request: FastifyRequest): ConnectRequest {
  const headers = request.headers;
  return {
    body: stringFields(request.body),
    query: stringFields(request.query),
    params: {},
    headers,
    cookies: {},
    protocol: request.protocol,
    originalUrl: request.url,
    get: (name: string) => single(headers[name.toLowerCase()]),
    // English messages whatever the wallet prefers: the hub's audit trail and logs are in English.
    acceptsLanguages: () => false,
    raw: request,
  };
}

/** Runs `chain` on `req` and resolves with the first answer it sends. */
export async function runConnectChain(
  chain: readonly ConnectMiddleware[],
  req: ConnectRequest,
): Promise<ConnectAnswer> {
  let answer!: (sent: ConnectAnswer) => void;
  const answered = new Promise<ConnectAnswer>((resolve) => (answer = resolve));
  const send = (status: number) => (body: unknown) => answer({ status, body });
  const res: ConnectResponse = {
    jsonp: send(200),
    json: send(200),
    status: (code: number) => ({ json: send(code) }),
  };

  const step = async (index: number): Promise<void> => {
    const middleware = chain[index];
    if (!middleware) return;
    let next: Promise<void> | undefined;
    await middleware(req, res, () => {
      next = step(index + 1);
    });
    await next;
  };

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('DID Connect handler did not answer in time')),
      ANSWER_TIMEOUT_MS,
    );
  });
  // A chain that finished without answering yet may still answer (see above): it only ends the wait by failing.
  const failed = step(0).then(() => new Promise<never>(() => undefined));
  try {
    return await Promise.race([answered, failed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
