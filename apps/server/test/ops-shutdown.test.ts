/**
 * Graceful shutdown of the real `aigne-hub start`: SIGTERM while 100 streamed chat completions run against a
 * fake OpenAI that streams slowly. The hub must refuse new connections at once, let the streams in flight finish
 * within HUB_SHUTDOWN_GRACE_MS, cut the rest, and lose no usage record: every request ends with exactly one usage
 * record (and its audit event), `success` for each stream the client saw finish, `aborted` for the cut ones.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { encodeMasterKey, generateMasterKey } from '@aigne-hub/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, startHubOn, tempDir, withHub } from './cli-helpers';
import { DEFAULT_USAGE, FakeOpenAI } from './fakes/openai';
import { newWallet, signIn } from './helpers';

const KEY = encodeMasterKey(generateMasterKey());
const UPSTREAM_KEY = 'sk-proj-shutdownTestAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const REQUESTS = 100;
/** Each stream takes about CHUNKS x CHUNK_DELAY_MS upstream; requests start STAGGER_MS apart. */
const CHUNKS = 10;
const CHUNK_DELAY_MS = 100;
const STAGGER_MS = 8;
const GRACE_MS = 600;

interface Outcome {
  requestId: string;
  status: number;
  /** The client received the whole stream, `[DONE]` included. */
  finished: boolean;
  /** When the client saw the end (finished or cut), ms since the epoch. */
  endedAt: number;
}

let dir: string;
let fake: FakeOpenAI;
let apiKey: string;
/** Every hub process started, killed in the end if still alive. */
const processes: ChildProcessWithoutNullStreams[] = [];
const outcomes: Outcome[] = [];
let sigtermAt = 0;
let exitCode: number | null = null;
let lateConnection: NodeJS.ErrnoException | null = null;

function post(port: number, body: object): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/chat/completions',
        agent: false,
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('error', () => undefined); // a cut shows as an incomplete response below
        response.once('close', () =>
          resolve({
            requestId: String(response.headers['x-request-id']),
            status: response.statusCode ?? 0,
            finished: response.complete && text.includes('data: [DONE]'),
            endedAt: Date.now(),
          }),
        );
      },
    );
    request.once('error', reject);
    request.end(JSON.stringify(body));
  });
}

beforeAll(async () => {
  dir = tempDir('hub-shutdown-');
  fake = await FakeOpenAI.start({ keys: [UPSTREAM_KEY] });
  fake.chat = { chunks: CHUNKS, chunkDelayMs: CHUNK_DELAY_MS, text: 'x'.repeat(CHUNKS * 4) };
  const setup = await startHubOn({ HUB_DATA_DIR: dir, HUB_ENCRYPTION_KEYS: KEY });
  try {
    const owner = (await signIn(setup.url, newWallet(), setup.setupCode!)).session.trpc;
    const { id: providerId } = await owner.providers.create.mutate({
      kind: 'openai',
      name: 'openai',
      baseUrl: fake.baseUrl,
    });
    await owner.credentials.create.mutate({ providerId, name: 'main', value: { api_key: UPSTREAM_KEY } });
    await owner.modelRates.upsert.mutate({
      provider: 'openai',
      model: 'gpt-4o-mini',
      type: 'chat',
      inputRate: 0.001,
      outputRate: 0.002,
    });
    apiKey = (await owner.apiKeys.create.mutate({ name: 'streams', scopes: ['ai'] })).secret;
  } finally {
    await setup.close();
  }
}, 60_000);

/** `aigne-hub start` in a child process; resolves with its port once it serves. */
async function startCli(graceMs: number) {
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      HOST: '127.0.0.1',
      HUB_DATA_DIR: dir,
      HUB_ENCRYPTION_KEYS: KEY,
      HUB_WEB_DIR: '/nonexistent',
      HUB_SHUTDOWN_GRACE_MS: String(graceMs),
      LOG_LEVEL: 'info',
    },
  });
  processes.push(child);
  const state = {
    child,
    output: '',
    exited: new Promise<number | null>((resolve) => child.once('exit', resolve)),
  };
  child.stdout.on('data', (chunk: Buffer) => (state.output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (state.output += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the hub did not start:\n${state.output}`)), 30_000);
    const check = () => {
      const match = /is running at http:\/\/localhost:(\d+)/.exec(state.output);
      if (match) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', check);
  });
  return { ...state, port, output: () => state.output };
}

/** Resolves once the fake upstream has received `n` chat requests (they are in flight in the hub). */
function upstreamCalls(n: number): Promise<void> {
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      if (fake.requests.filter((r) => r.path.endsWith('/chat/completions')).length >= n) {
        clearInterval(poll);
        resolve();
      }
    }, 5);
  });
}

const streamBody = (i: number) => ({
  model: 'openai/gpt-4o-mini',
  stream: true,
  messages: [{ role: 'user', content: `s${i}` }],
});

afterAll(async () => {
  for (const child of processes) if (child.exitCode === null) child.kill('SIGKILL');
  await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('SIGTERM during 100 streaming requests', () => {
  let output = '';
  beforeAll(async () => {
    fake.reset();
    const hub = await startCli(GRACE_MS);
    const requests = Array.from({ length: REQUESTS }, (_, i) =>
      new Promise((resolve) => setTimeout(resolve, i * STAGGER_MS)).then(() => post(hub.port, streamBody(i))),
    );
    await upstreamCalls(REQUESTS);
    sigtermAt = Date.now();
    hub.child.kill('SIGTERM');
    // A new connection right after the signal must be refused.
    await new Promise((resolve) => setTimeout(resolve, 100));
    lateConnection = await post(hub.port, streamBody(-1)).then(
      () => null,
      (error: NodeJS.ErrnoException) => error,
    );
    outcomes.push(...(await Promise.all(requests)));
    exitCode = await hub.exited;
    output = hub.output();
  }, 60_000);

  it('exits 0 after draining, refusing new connections at once', () => {
    expect(exitCode).toBe(0);
    expect(lateConnection?.code).toBe('ECONNREFUSED');
    expect(output).toContain('"msg":"shutting down: no new connections, waiting for requests in flight"');
    expect(output).toContain('"msg":"grace period over: cutting requests still running"');
    expect(output).toContain('"msg":"requests drained and usage written"');
  });

  it('let streams finish within the grace period and cut the rest', () => {
    expect(outcomes).toHaveLength(REQUESTS);
    expect(outcomes.every((outcome) => outcome.status === 200)).toBe(true);
    const finishedAfterSignal = outcomes.filter((o) => o.finished && o.endedAt > sigtermAt);
    const cut = outcomes.filter((o) => !o.finished);
    expect(finishedAfterSignal.length).toBeGreaterThan(0);
    expect(cut.length).toBeGreaterThan(0);
    // Nothing was cut before the grace period was over.
    expect(Math.min(...cut.map((o) => o.endedAt))).toBeGreaterThanOrEqual(sigtermAt + GRACE_MS - 50);
  });

  it('lost no usage record: exactly one per request, success for every stream the client saw finish', () => {
    withHub({ HUB_DATA_DIR: dir, HUB_ENCRYPTION_KEYS: KEY }, (offline) => {
      const db = offline.services.hubDb.$client;
      const rows = db.prepare('SELECT request_id, status, output_tokens FROM usage_records').all() as {
        request_id: string;
        status: string;
        output_tokens: number;
      }[];
      const byRequest = new Map(rows.map((row) => [row.request_id, row]));
      // One row per request: as many rows as requests, and every request id has its own.
      expect(rows).toHaveLength(REQUESTS);
      expect(byRequest.size).toBe(REQUESTS);
      const finished = outcomes.filter((o) => o.finished);
      const cut = outcomes.filter((o) => !o.finished);
      const whole = DEFAULT_USAGE.completion_tokens;
      for (const outcome of finished) {
        expect(byRequest.get(outcome.requestId)).toMatchObject({ status: 'success', output_tokens: whole });
      }
      // A cut stream is metered as aborted. Only a stream whose upstream had already ended when the cut came (its
      // record committed, its last bytes not yet on the wire) is a success, and then with the whole answer.
      let aborted = 0;
      for (const outcome of cut) {
        const row = byRequest.get(outcome.requestId);
        if (row?.status === 'success') expect(row.output_tokens).toBe(whole);
        else expect(row?.status).toBe('aborted');
        if (row?.status === 'aborted') aborted += 1;
      }
      expect(aborted).toBeGreaterThan(0);
      expect(rows.filter((row) => row.status === 'aborted')).toHaveLength(aborted);
      // usage rows == finished + cut, and each has its audit event.
      expect(finished.length + cut.length).toBe(rows.length);
      const audited = db
        .prepare(
          "SELECT count(*) AS n FROM audit_events a JOIN usage_records u ON json_extract(a.details, '$.usageId') = u.id WHERE a.action = 'ai.chat'",
        )
        .get() as { n: number };
      expect(audited.n).toBe(REQUESTS);
      expect(offline.services.audit.verify()).toMatchObject({ ok: true, headRecord: 'sealed' });
    });
  });
});

describe('a second signal', () => {
  it('cuts at once what the first one was waiting for, and still writes every usage record', async () => {
    fake.reset();
    fake.chat = { chunks: CHUNKS, chunkDelayMs: 1_000, text: 'x'.repeat(CHUNKS * 4) };
    const hub = await startCli(60_000);
    const requests = Array.from({ length: 5 }, (_, i) => post(hub.port, streamBody(i)));
    await upstreamCalls(5);
    const first = Date.now();
    hub.child.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 300));
    hub.child.kill('SIGINT');
    const cut = await Promise.all(requests);
    expect(await hub.exited).toBe(0);
    // Far sooner than the 60 s grace period or the 10 s the streams would take.
    expect(Date.now() - first).toBeLessThan(5_000);
    expect(hub.output()).toContain('"msg":"second signal: cutting the requests still running"');
    expect(cut.every((outcome) => !outcome.finished)).toBe(true);
    withHub({ HUB_DATA_DIR: dir, HUB_ENCRYPTION_KEYS: KEY }, (offline) => {
      const statuses = cut.map((outcome) =>
        (
          offline.services.hubDb.$client
            .prepare('SELECT status FROM usage_records WHERE request_id = ?')
            .all(outcome.requestId) as { status: string }[]
        ).map((row) => row.status),
      );
      expect(statuses).toEqual(Array.from({ length: 5 }, () => ['aborted']));
    });
  }, 60_000);
});
