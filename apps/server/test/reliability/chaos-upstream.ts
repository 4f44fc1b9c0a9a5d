/**
 * An OpenAI-compatible upstream on 127.0.0.1 that misbehaves on purpose, for the reliability suite. Each chat
 * request draws an outcome from seeded weights: a normal answer (JSON, or SSE in several chunks with usage),
 * a 500 or a 429 in OpenAI's error shape, a connection reset before any byte, a stall that never answers, or
 * an answer cut off midway (the socket dies after part of the body or stream). With only `ok` weighted it is a
 * plain fast upstream, which the load and crash tests use.
 *
 * It keeps counters, not a log of requests, so that a soak run of 100,000 requests does not grow it. It knows
 * which sockets are open, so a test can check that the hub let go of every upstream connection it abandoned.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const CHAOS_OUTCOMES = ['ok', 'error500', 'error429', 'reset', 'stall', 'cut'] as const;
export type ChaosOutcome = (typeof CHAOS_OUTCOMES)[number];
export type ChaosWeights = Partial<Record<ChaosOutcome, number>>;

export const CHAOS_USAGE = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
const CHUNKS = 5;

/** The answer the upstream gives to a prompt; clients check that they got all of it. */
export function chaosAnswer(prompt: string): string {
  return `answer to ${prompt}`;
}

/** A small, seeded generator (mulberry32): the same seed gives the same sequence of outcomes. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ChaosOptions {
  /** Keys accepted as `Authorization: Bearer`; any other key gets a 401 that echoes it (as OpenAI does). */
  keys: readonly string[];
  weights?: ChaosWeights;
  seed?: number;
}

export class ChaosUpstream {
  weights: ChaosWeights;
  /** How many chat requests drew each outcome. */
  readonly counts: Record<ChaosOutcome, number> = {
    ok: 0,
    error500: 0,
    error429: 0,
    reset: 0,
    stall: 0,
    cut: 0,
  };
  /** Requests refused for a wrong key. */
  unauthorized = 0;
  readonly #keys: Set<string>;
  readonly #random: () => number;
  readonly #server: http.Server;
  readonly #sockets = new Set<Socket>();
  #origin = '';

  private constructor(options: ChaosOptions) {
    this.#keys = new Set(options.keys);
    this.weights = options.weights ?? { ok: 1 };
    this.#random = seededRandom(options.seed ?? 1);
    this.#server = http.createServer((req, res) => this.#handle(req, res));
    this.#server.keepAliveTimeout = 60_000;
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(options: ChaosOptions): Promise<ChaosUpstream> {
    const upstream = new ChaosUpstream(options);
    await new Promise<void>((resolve) => upstream.#server.listen(0, '127.0.0.1', resolve));
    upstream.#origin = `http://127.0.0.1:${(upstream.#server.address() as AddressInfo).port}`;
    return upstream;
  }

  /** The base URL a provider is registered with (OpenAI's `/v1` prefix). */
  get baseUrl(): string {
    return `${this.#origin}/v1`;
  }

  get origin(): string {
    return this.#origin;
  }

  /** Connections currently open to this upstream (idle keep-alive ones included). */
  get openSockets(): number {
    return this.#sockets.size;
  }

  /** Requests that are stalled or otherwise unanswered and whose connection is still open. */
  pending = 0;

  get total(): number {
    return CHAOS_OUTCOMES.reduce((sum, outcome) => sum + this.counts[outcome], 0);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #draw(): ChaosOutcome {
    const entries = CHAOS_OUTCOMES.map((outcome) => [outcome, this.weights[outcome] ?? 0] as const);
    const sum = entries.reduce((total, [, weight]) => total + weight, 0);
    let point = this.#random() * sum;
    for (const [outcome, weight] of entries) {
      point -= weight;
      if (point < 0) return outcome;
    }
    return 'ok';
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        return sendError(res, 404, 'invalid_request_error', `Unknown path ${req.method} ${req.url}`);
      }
      const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      if (!this.#keys.has(key)) {
        this.unauthorized += 1;
        // Like OpenAI: the refused key is quoted back. The hub must not pass it on.
        return sendError(res, 401, 'invalid_request_error', `Incorrect API key provided: ${key}.`);
      }
      let body: { model?: string; stream?: boolean; messages?: { content?: unknown }[] };
      try {
        body = JSON.parse(Buffer.concat(parts).toString()) as typeof body;
      } catch {
        return sendError(res, 400, 'invalid_request_error', 'We could not parse the JSON body.');
      }
      const last = body.messages?.at(-1)?.content;
      const text = chaosAnswer(typeof last === 'string' ? last : '');
      const outcome = this.#draw();
      this.counts[outcome] += 1;
      switch (outcome) {
        case 'error500':
          return sendError(res, 500, 'server_error', 'The server had an error processing your request.');
        case 'error429':
          res.setHeader('retry-after', '1');
          return sendError(res, 429, 'rate_limit_exceeded', 'Rate limit reached for requests.');
        case 'reset':
          return void req.socket.destroy();
        case 'stall':
          this.pending += 1;
          res.once('close', () => (this.pending -= 1));
          return;
        case 'ok':
        case 'cut':
          return body.stream
            ? this.#stream(res, body.model ?? 'model', text, outcome === 'cut')
            : this.#json(res, body.model ?? 'model', text, outcome === 'cut');
      }
    });
  }

  #json(res: http.ServerResponse, model: string, text: string, cut: boolean): void {
    const payload = Buffer.from(
      JSON.stringify({
        id: 'chatcmpl-chaos',
        object: 'chat.completion',
        created: 1715367049,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
        usage: CHAOS_USAGE,
      }),
    );
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': payload.length });
    if (!cut) return void res.end(payload);
    res.write(payload.subarray(0, payload.length >> 1), () => res.destroy());
  }

  #stream(res: http.ServerResponse, model: string, text: string, cut: boolean): void {
    const chunk = (delta: object, finish: string | null, usage?: object) =>
      `data: ${JSON.stringify({
        id: 'chatcmpl-chaos',
        object: 'chat.completion.chunk',
        created: 1715367049,
        model,
        choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }],
        ...(usage && { usage }),
      })}\n\n`;
    const size = Math.ceil(text.length / CHUNKS);
    const pieces = Array.from({ length: CHUNKS }, (_, i) => text.slice(i * size, (i + 1) * size));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(chunk({ role: 'assistant', content: '' }, null));
    if (cut) {
      res.write(chunk({ content: pieces[0] }, null), () => res.destroy());
      return;
    }
    for (const piece of pieces) res.write(chunk({ content: piece }, null));
    res.write(chunk({}, 'stop'));
    res.write(chunk({}, null, CHAOS_USAGE));
    res.end('data: [DONE]\n\n');
  }
}

function sendError(res: http.ServerResponse, status: number, type: string, message: string): void {
  const payload = JSON.stringify({ error: { message, type, param: null, code: type } });
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(payload);
}
