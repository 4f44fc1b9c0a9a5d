/**
 * Crash: the real `aigne-hub start` in a child process is killed with SIGKILL in the middle of a load (no
 * shutdown code runs), and started again on the same data folder. It starts (the stale lock of the killed
 * process does not stop it), `aigne-hub audit verify` passes, and every call the client saw answered in full
 * has its usage record and its `ai.chat` audit event: the hub answers only after they are committed. Fast
 * form: one kill; `pnpm soak`: five kills in a row on the same data folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchKeys, BENCH_MODEL, prepareGateway } from '../../bench/prepare';
import { BIN, runHubCli, tempDir, withHub } from '../cli-helpers';
import { ChaosUpstream } from './chaos-upstream';
import { callChat, size, type CallResult } from './harness';

const CYCLES = size(1, 5);
const ANSWERED_BEFORE_KILL = size(300, 3_000);
const CONNECTIONS = 50;

let upstream: ChaosUpstream;
let dir: string;
let vars: Record<string, string>;
let apiKey: string;

interface Started {
  child: ChildProcess;
  url: string;
}

function startHubProcess(): Promise<Started> {
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'warn',
      PORT: '0',
      HOST: '127.0.0.1',
      ...vars,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (data: Buffer) => {
      out += data.toString();
      const match = /is running at (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) =>
      reject(new Error(`hub exited (${code ?? signal}): ${out.slice(-2000)}`)),
    );
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Keeps CONNECTIONS calls in flight until the hub is killed; returns what each call came to. */
async function loadUntilKilled(hub: Started, cycle: number): Promise<CallResult[]> {
  const results: CallResult[] = [];
  let answered = 0;
  let next = cycle * 1_000_000;
  let killed = false;
  const worker = async () => {
    while (!killed) {
      const result = await callChat(hub.url, apiKey, next++, next % 2 === 0, BENCH_MODEL);
      results.push({ ...result, body: '' });
      if (result.verdict === 'complete' && ++answered === ANSWERED_BEFORE_KILL) {
        hub.child.kill('SIGKILL');
        killed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  await exited(hub.child);
  return results;
}

const seen: CallResult[] = [];

beforeAll(async () => {
  dir = tempDir('hub-crash-');
  const keys = benchKeys();
  vars = { HUB_DATA_DIR: dir, HUB_ENCRYPTION_KEYS: keys, HUB_WEB_DIR: '/nonexistent' };
  upstream = await ChaosUpstream.start({ keys: ['sk-bench-upstream-key-0000000000000000'] });
  apiKey = prepareGateway(dir, keys, upstream.origin).apiKey;
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const hub = await startHubProcess();
    seen.push(...(await loadUntilKilled(hub, cycle)));
  }
}, 30 * 60_000);

afterAll(async () => {
  await upstream?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe(`SIGKILL during a load, ${CYCLES} time(s)`, () => {
  it('the kill interrupted calls in flight', () => {
    expect(seen.filter((r) => r.verdict === 'complete').length).toBeGreaterThanOrEqual(
      CYCLES * ANSWERED_BEFORE_KILL,
    );
    expect(seen.filter((r) => r.verdict === 'broken').length).toBeGreaterThan(0);
  });

  it('the hub starts again on the same data folder and answers', async () => {
    const hub = await startHubProcess();
    try {
      const result = await callChat(hub.url, apiKey, 1, false, BENCH_MODEL);
      expect(result.verdict).toBe('complete');
      seen.push(result);
    } finally {
      hub.child.kill('SIGTERM');
      await exited(hub.child);
    }
  });

  it('aigne-hub audit verify passes', () => {
    const verify = runHubCli(['audit', 'verify'], vars);
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
  });

  it('every call answered in full has its usage record and its audit event', () => {
    const answered = seen.filter((r) => r.verdict === 'complete').map((r) => r.requestId!);
    const { usage, events } = withHub(vars, (hub) => {
      const db = hub.services.hubDb.$client;
      return {
        usage: new Set(
          (
            db.prepare("SELECT request_id FROM usage_records WHERE status = 'success'").all() as {
              request_id: string;
            }[]
          ).map((row) => row.request_id),
        ),
        events: new Set(
          (
            db
              .prepare("SELECT request_id FROM audit_events WHERE action = 'ai.chat' AND outcome = 'success'")
              .all() as {
              request_id: string;
            }[]
          ).map((row) => row.request_id),
        ),
      };
    });
    expect(answered.filter((id) => !usage.has(id))).toEqual([]);
    expect(answered.filter((id) => !events.has(id))).toEqual([]);
  });
});
