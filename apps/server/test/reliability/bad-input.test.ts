/**
 * Bad input, generated with fast-check: arbitrary JSON, wrong types, strings with CR/LF/NUL, invalid UTF-8 and
 * deep nesting, sent to every gateway endpoint and to every tRPC procedure of the app router (enumerated,
 * as the owner, so that nothing is refused before its input is looked at). The hub never answers 500, never
 * crashes, answers every error in its documented shape, and never changes a row without an audit event.
 * Also the limits: bodies over the limit get 413, headers over 16 KiB get 431, and a client that sends its
 * headers or body too slowly (slowloris) is cut off.
 */
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../../src/routers/_app';
import { newWallet, signIn } from '../helpers';
import { MODEL, size, startGatewayRig, type GatewayRig } from './harness';

const RUNS = size(60, 2_000);
const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2_000;

let rig: GatewayRig;
let ownerCookie: string;
let origin: string;

beforeAll(async () => {
  rig = await startGatewayRig({
    env: {
      HUB_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HUB_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    },
  });
  origin = new URL(rig.t.hub.url).origin;
  ownerCookie = await ownerSession();
});

afterAll(async () => {
  await rig?.close();
});

/** A fresh session of a second owner (a fuzzed `auth.logout` may end the one before). */
async function ownerSession(): Promise<string> {
  const login = await signIn(rig.t.hub.url, newWallet());
  rig.t.hub.services.hubDb.$client
    .prepare("UPDATE users SET role = 'owner' WHERE did = ?")
    .run(login.user.did);
  return login.cookie;
}

/**
 * Everything in hub.db except the audit trail itself, as one string: if it changed, a row changed. Usage
 * bookkeeping (when a key or credential was last used) is not a change anyone audits, and is left out.
 */
function hubState(): string {
  const db = rig.t.hub.services.hubDb.$client;
  const tables = (
    db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' AND name != 'audit_events' ORDER BY name",
      )
      .all() as { name: string }[]
  ).map((row) => row.name);
  const bookkeeping = new Set(['last_used_at', 'usage_count']);
  return JSON.stringify(
    tables.map((table) => [
      table,
      (db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]).map((row) =>
        Object.entries(row).filter(([column]) => !bookkeeping.has(column)),
      ),
    ]),
  );
}

function auditHead(): number {
  const [row] = rig.rows<{ seq: number | null }>('SELECT max(seq) AS seq FROM audit_events');
  return row?.seq ?? 0;
}

/** Runs `send` and checks the invariants every answer to bad input must keep. */
async function judged(send: () => Promise<Response>): Promise<{ status: number; body: string }> {
  const before = hubState();
  const head = auditHead();
  const response = await send();
  const body = await response.text();
  expect(response.status, body).not.toBeGreaterThanOrEqual(500);
  if (hubState() !== before)
    expect(auditHead(), `a row changed without an audit event: ${body}`).toBeGreaterThan(head);
  return { status: response.status, body };
}

/** Strings that carry the characters parsers and log lines trip over. */
const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '\r\n',
    '\u0000',
    'a\r\nSet-Cookie: x=1',
    '\u2028\u2029',
    '"\\',
    '${x}',
    '../../etc/passwd',
  ),
  fc.string({ unit: fc.constantFrom('a', '\r', '\n', '\u0000', '"', '\\', '\ud800') }),
);
const anyJson = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(
    nastyString,
    fc.oneof(nastyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null)),
  ),
);

const GATEWAY_POSTS = [
  '/api/v1/chat/completions',
  '/api/v1/embeddings',
  '/api/v1/images/generations',
  '/api/v2/chat/completions',
  '/api/v2/completions',
  '/api/v2/embeddings',
  '/api/v2/image/generations',
  '/api/v2/chat',
  '/api/v2/image',
];

/** Valid-looking chat bodies with one field replaced by something arbitrary. */
const mutatedChat = fc
  .record({
    field: fc.constantFrom('model', 'messages', 'stream', 'temperature', 'max_tokens', 'tools', 'n', 'extra'),
    value: fc.oneof(anyJson, nastyString),
    stream: fc.boolean(),
  })
  .map(({ field, value, stream }) => ({
    model: MODEL,
    messages: [{ role: 'user', content: 'hi' }],
    stream,
    [field]: value,
  }));

describe('the gateway with arbitrary bodies', () => {
  it(
    'answers every one without a 500, in the OpenAI error shape',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...GATEWAY_POSTS),
          fc.oneof(
            anyJson.map((value) => JSON.stringify(value)),
            mutatedChat.map((value) => JSON.stringify(value)),
            nastyString,
            fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
          ),
          async (path, body) => {
            const { status, body: answer } = await judged(() =>
              fetch(`${rig.t.hub.url}${path}`, {
                method: 'POST',
                headers: { authorization: `Bearer ${rig.apiKey}`, 'content-type': 'application/json' },
                body,
              }),
            );
            if (status >= 400) {
              const parsed = JSON.parse(answer) as { error?: { message?: unknown } };
              expect(typeof parsed.error?.message, answer).toBe('string');
              expect(answer).not.toMatch(/\n\s+at /); // no stack
            }
          },
        ),
        { numRuns: RUNS },
      );
      // Still alive and still answering.
      expect((await fetch(`${rig.t.hub.url}/api/health`)).status).toBe(200);
    },
    30 * 60_000,
  );

  it('refuses invalid UTF-8, deep nesting and a wrong content type with 4xx', async () => {
    const send = (body: string | Buffer, type = 'application/json') =>
      judged(() =>
        fetch(`${rig.t.hub.url}/api/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${rig.apiKey}`, 'content-type': type },
          body,
        }),
      );
    const invalidUtf8 = Buffer.concat([
      Buffer.from(`{"model":"${MODEL}","messages":[{"role":"user","content":"`),
      Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
      Buffer.from('"}]}'),
    ]);
    const utf8 = await send(invalidUtf8);
    // Decoded with replacement characters (as JSON.parse of a Buffer does) or refused; never a crash.
    expect([200, 400]).toContain(utf8.status);
    const depth = 100_000;
    const deep = `{"model":"${MODEL}","messages":[{"role":"user","content":${'['.repeat(depth)}${']'.repeat(depth)}}]}`;
    expect((await send(deep)).status).toBe(400);
    const deepObject = `{"model":"${MODEL}","messages":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;
    expect((await send(deepObject)).status).toBe(400);
    expect((await send('model=x', 'application/x-www-form-urlencoded')).status).toBe(415);
  });
});

describe('every tRPC procedure with arbitrary input', () => {
  const procedures = Object.entries(
    appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
  );

  it('enumerates the whole router', () => {
    expect(procedures.length).toBeGreaterThan(30);
  });

  it.each(procedures.map(([path, procedure]) => [path, procedure._def.type] as const))(
    '%s (%s): never a 500, never a silent change',
    async (path, type) => {
      const cookie = await ownerSession();
      await fc.assert(
        fc.asyncProperty(fc.oneof(anyJson, fc.constant(undefined)), async (input) => {
          const { body } = await judged(() => {
            const headers = { cookie, origin, 'content-type': 'application/json' };
            if (type === 'query') {
              const query = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
              return fetch(`${rig.t.hub.url}/api/trpc/${path}${query}`, { headers });
            }
            return fetch(`${rig.t.hub.url}/api/trpc/${path}`, {
              method: 'POST',
              headers,
              ...(input !== undefined && { body: JSON.stringify(input) }),
            });
          });
          const parsed = JSON.parse(body) as {
            error?: { json?: { data?: { code?: string; stack?: unknown } } };
          };
          expect(parsed.error?.json?.data?.code).not.toBe('INTERNAL_SERVER_ERROR');
          expect(parsed.error?.json?.data?.stack).toBeUndefined();
        }),
        { numRuns: Math.max(10, Math.round(RUNS / 4)) },
      );
    },
  );

  it('the chain still verifies', async () => {
    expect(await rig.owner.auditEvents.verify.query()).toMatchObject({ ok: true });
  });
});

describe('limits', () => {
  it('a gateway body over 32 MiB gets 413 in the OpenAI error shape', async () => {
    const { status, body } = await judged(() =>
      fetch(`${rig.t.hub.url}/api/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${rig.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: MODEL,
          messages: [{ role: 'user', content: 'x'.repeat(33 * 1024 * 1024) }],
        }),
      }),
    );
    expect(status).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ error: { type: 'request_too_large' } });
  });

  it('a tRPC body over 1 MiB gets 413', async () => {
    const { status } = await judged(() =>
      fetch(`${rig.t.hub.url}/api/trpc/apiKeys.create`, {
        method: 'POST',
        headers: { cookie: ownerCookie, origin, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
      }),
    );
    expect(status).toBe(413);
  });

  it('headers over 16 KiB get 431', async () => {
    const response = await fetch(`${rig.t.hub.url}/api/health`, {
      headers: { 'x-padding': 'x'.repeat(20_000) },
    });
    expect(response.status).toBe(431);
  });

  /** Opens a raw connection, sends `head`, then trickles a byte every 200 ms; resolves when the hub hangs up. */
  function trickle(head: string): Promise<{ ms: number; answer: string }> {
    const { port } = new URL(rig.t.hub.url);
    return new Promise((resolve) => {
      const started = performance.now();
      let answer = '';
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(head));
      const timer = setInterval(() => socket.write('x'), 200);
      socket.on('data', (data) => (answer += data.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ ms: performance.now() - started, answer });
      });
    });
  }

  it('a client that sends its headers too slowly is cut off (slowloris)', async () => {
    const { ms, answer } = await trickle('GET /api/health HTTP/1.1\r\nHost: hub\r\nX-Slow: ');
    expect(ms).toBeLessThan(HEADERS_TIMEOUT_MS + 5_000);
    expect(answer).toMatch(/^$|^HTTP\/1\.1 408/);
  });

  it('a client that trickles its body too slowly is cut off', async () => {
    const { ms, answer } = await trickle(
      `POST /api/v1/chat/completions HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer ${rig.apiKey}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`,
    );
    expect(ms).toBeLessThan(REQUEST_TIMEOUT_MS + 5_000);
    expect(answer).toMatch(/^$|^HTTP\/1\.1 408/);
  });
});
