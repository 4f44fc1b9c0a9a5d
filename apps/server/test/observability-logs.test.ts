/**
 * The logs of a running hub, captured line by line: every line written while serving requests carries the
 * request's id, the same id the answer's `x-request-id` header and the audit trail show; a caller's own id is
 * honoured only when well formed; the level is configurable; and the pretty (terminal) output is redacted
 * exactly like the JSON lines.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger';
import { isWellFormedRequestId } from '../src/observability/request-id';
import { FakeOpenAI } from './fakes/openai';
import { newWallet, signIn, startTestHub, type TestHub } from './helpers';

const GOOD_KEY = 'sk-proj-logsGoodKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const REFUSED_KEY = 'sk-proj-logsRefusedKeyBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type Line = Record<string, unknown>;

function capture() {
  const lines: Line[] = [];
  const text: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text.push(chunk.toString());
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Line);
      done();
    },
  });
  return { stream, lines, text };
}

let t: TestHub;
let fake: FakeOpenAI;
let aiKey: string;
const log = capture();

beforeAll(async () => {
  fake = await FakeOpenAI.start({ keys: [GOOD_KEY] });
  t = await startTestHub({}, { logger: createLogger({ logLevel: 'debug' }, log.stream) });
  const owner = (await signIn(t.hub.url, newWallet(), t.hub.setupCode!)).session.trpc;
  aiKey = (await owner.apiKeys.create.mutate({ name: 'ai', scopes: ['ai'] })).secret;
  for (const [name, key] of [
    ['good', GOOD_KEY],
    ['refused', REFUSED_KEY],
  ] as const) {
    const provider = await owner.providers.create.mutate({
      kind: 'openai-compatible',
      name,
      baseUrl: fake.baseUrl,
    });
    await owner.credentials.create.mutate({ providerId: provider.id, name, value: { api_key: key } });
  }
});

afterAll(async () => {
  await t.close();
  await fake.close();
});

beforeEach(() => {
  log.lines.length = 0;
  log.text.length = 0;
});

async function chat(model: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${t.hub.url}/api/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${aiKey}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.text();
  return { status: response.status, requestId: response.headers.get('x-request-id')! };
}

function auditRequestIds(action: string): string[] {
  return (
    t.hub.services.hubDb.$client
      .prepare('SELECT request_id FROM audit_events WHERE action = ? ORDER BY seq')
      .all(action) as { request_id: string }[]
  ).map((row) => row.request_id);
}

describe('request ids in the logs', () => {
  it('every line of a failing AI call carries its id, and no line carries the refused key', async () => {
    const { status, requestId } = await chat('refused/gpt-4o-mini');
    expect(status).toBe(502);
    expect(requestId).toMatch(UUID);
    const messages = log.lines.map((line) => line.msg);
    // The gateway's own lines (logged through the hub's logger, not Fastify's) and Fastify's.
    expect(messages).toEqual(
      expect.arrayContaining(['upstream attempt failed', 'gateway request failed', 'request']),
    );
    expect(log.lines.length).toBeGreaterThanOrEqual(3);
    for (const line of log.lines) expect(line).toMatchObject({ requestId, service: 'aigne-hub' });
    expect(log.text.join('')).not.toContain(REFUSED_KEY.slice(8, 28));
    expect(auditRequestIds('ai.chat').at(-1)).toBe(requestId);
  });

  it('concurrent requests keep their own ids on their own lines', async () => {
    const answers = await Promise.all([chat('good/gpt-4o-mini'), chat('refused/gpt-4o-mini'), chat('x/y')]);
    const ids = answers.map((answer) => answer.requestId);
    expect(new Set(ids).size).toBe(3);
    const requestLines = log.lines.filter((line) => line.msg === 'request');
    expect(requestLines.map((line) => line.requestId).sort()).toEqual([...ids].sort());
    for (const line of requestLines) {
      const answer = answers[ids.indexOf(line.requestId as string)]!;
      expect(line.status).toBe(answer.status);
    }
    for (const line of log.lines) expect(ids).toContain(line.requestId);
  });

  it('honours a well-formed x-request-id: answer, log lines and audit event share it', async () => {
    const sent = 'trace-4bf92f3577b34da6a3ce929d0e0e4736';
    const { status, requestId } = await chat('good/gpt-4o-mini', { 'x-request-id': sent });
    expect(status).toBe(200);
    expect(requestId).toBe(sent);
    expect(log.lines.find((line) => line.msg === 'request')).toMatchObject({ requestId: sent, status: 200 });
    expect(auditRequestIds('ai.chat').at(-1)).toBe(sent);
  });

  it.each([
    // Values that cannot turn up in a log line by chance (a hex id may well contain 'abc').
    ['too short', 'Qz7'],
    ['spaces', 'trace id with spaces'],
    ['JSON in it (log forging)', 'trace-1234","level":60,"x":"y'],
    ['too long', 'x'.repeat(129)],
    ['key-shaped', 'sk-proj-abcdefghijklmnopqrstuvwxyz0123'],
    ['not starting with a letter or digit', '-leading-dash-1234'],
  ])('replaces an x-request-id with %s by a fresh UUID', async (_case, sent) => {
    const response = await fetch(`${t.hub.url}/api/health`, { headers: { 'x-request-id': sent } });
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id')!;
    expect(requestId).toMatch(UUID);
    expect(log.lines.find((line) => line.msg === 'request')).toMatchObject({ requestId });
    expect(log.text.join('')).not.toContain(sent);
  });
});

describe('isWellFormedRequestId', () => {
  it.each([
    crypto.randomUUID(),
    '01ARZ3NDEKTSV4RRFFQ69G5FAV',
    '4bf92f3577b34da6a3ce929d0e0e4736',
    'Root:1-5759e988-bd862e3f',
    'a'.repeat(128),
  ])('accepts %s', (value) => {
    expect(isWellFormedRequestId(value)).toBe(true);
  });

  it.each(['1234567', 'a'.repeat(129), 'a b c d e f', 'ahk_000A7dl5PEW67zZCpFU9uKaHnGgOvQKAR2eahrm'])(
    'refuses %s',
    (value) => {
      expect(isWellFormedRequestId(value)).toBe(false);
    },
  );
});

describe('createLogger', () => {
  const KEY = 'sk-proj-Zq8V2mN4xR7tY1uW3pK6sD9fG2hJ5lC8';

  it('honours the level', () => {
    const out = capture();
    const logger = createLogger({ logLevel: 'warn' }, out.stream);
    logger.info('not shown');
    logger.warn('shown');
    expect(out.lines.map((line) => [line.level, line.msg])).toEqual([[40, 'shown']]);
  });

  it('redacts child bindings too', () => {
    const out = capture();
    const child = createLogger({ logLevel: 'info' }, out.stream).child({ upstreamKey: KEY });
    child.child({ component: 'probe', nested: `key ${KEY}` }).info('bound');
    expect(out.text.join('')).not.toContain(KEY);
    expect(out.lines[0]).toMatchObject({
      msg: 'bound',
      upstreamKey: `sk-p********${KEY.slice(-4)}`,
      component: 'probe',
      nested: `key sk-p********${KEY.slice(-4)}`,
    });
  });

  it('pretty output is human-readable and exactly as redacted as JSON', () => {
    const out: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        out.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ logLevel: 'info' }, stream, { pretty: true, colorize: false });
    logger
      .child({ requestId: 'req-12345678' })
      .warn({ api_key: KEY, error: `said ${KEY}` }, `calling ${KEY}`);
    const text = out.join('');
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(KEY.slice(8, 20));
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: calling sk-p\*+/);
    expect(text).toContain('requestId: "req-12345678"');
    expect(text).toContain(`api_key: "sk-p********${KEY.slice(-4)}"`);
    expect(() => JSON.parse(text) as unknown).toThrow();
  });
});
