/**
 * Upstream faults: the upstream randomly answers 500 or 429, resets connections, stalls, or cuts answers off
 * midway, for every kind of call (JSON and streamed) at 50 connections. Every client gets either the complete
 * answer or a clean error (an OpenAI-shaped error body, or an error event that ends the stream); no call runs
 * past the bound the upstream timeout sets; calls fail over to the other credential where they can; every
 * call is metered and audited; the hub lets go of every upstream connection it abandoned; its heap returns to
 * where it was; and the planted provider secrets (the upstream quotes a wrong key back) leak nowhere.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAOS_OUTCOMES } from './chaos-upstream';
import {
  callChat,
  databaseBytes,
  leaks,
  runLoad,
  size,
  startGatewayRig,
  summarize,
  type CallResult,
  type GatewayRig,
} from './harness';

const TOTAL = size(600, 20_000);
const CONNECTIONS = 50;
/** Per upstream attempt: 45% fail, in every way the upstream can. */
const FAULTY = { ok: 55, error500: 12, error429: 3, reset: 10, stall: 5, cut: 15 };
const UPSTREAM_TIMEOUT_MS = 1_000;
/** The gateway tries at most 4 credentials; each attempt is bounded by the upstream timeout. */
const WORST_CASE_MS = 4 * UPSTREAM_TIMEOUT_MS;
/** Slack for a loaded 2-core CI machine; a hang would be 30 s and more. */
const SLACK_MS = 4_000;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

let rig: GatewayRig;
let results: CallResult[];
let baselineHeap: number;
const leakedInAnswers: string[] = [];

beforeAll(async () => {
  rig = await startGatewayRig({
    weights: FAULTY,
    seed: 42,
    refusedCredentials: 1,
    upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS,
  });
  // Warm up (JIT, connection pools, prepared statements) before the baseline is taken.
  rig.upstream.weights = { ok: 1 };
  await runLoad(200, CONNECTIONS, (index) => callChat(rig.t.hub.url, rig.apiKey, index, index % 2 === 0));
  baselineHeap = heapAfterGc();
  rig.upstream.weights = FAULTY;
  results = await runLoad(TOTAL, CONNECTIONS, async (index) => {
    const result = await callChat(rig.t.hub.url, rig.apiKey, 1_000 + index, index % 2 === 0);
    leakedInAnswers.push(...leaks(rig.secrets, result.body));
    return { ...result, body: '' };
  });
}, 60 * 60_000);

afterAll(async () => {
  await rig?.close();
});

describe(`${TOTAL} calls against an upstream that fails in every way`, () => {
  it('drew every kind of fault', () => {
    for (const outcome of CHAOS_OUTCOMES) expect(rig.upstream.counts[outcome]).toBeGreaterThan(0);
  });

  it('gives every client the complete answer or a clean error', () => {
    const summary = summarize(results);
    expect(summary.firstBroken).toEqual([]);
    expect(summary.broken).toBe(0);
    expect(summary.complete + summary.error).toBe(TOTAL);
  });

  it('fails over to another credential before anything reached the client', () => {
    const attempts = new Map(
      rig
        .rows<{ request_id: string; attempts: number }>(
          "SELECT request_id, json_extract(details, '$.attempts') AS attempts FROM audit_events WHERE action = 'ai.chat'",
        )
        .map((row) => [row.request_id, row.attempts]),
    );
    const rescued = results.filter((r) => r.verdict === 'complete' && attempts.get(r.requestId!)! > 1);
    expect(rescued.length).toBeGreaterThan(TOTAL / 10);
    // A single attempt answers half the time; a JSON call, which can always fail over, does far better.
    const json = results.filter((r) => !r.stream);
    expect(json.filter((r) => r.verdict === 'complete').length / json.length).toBeGreaterThan(0.6);
  });

  it('errors say what happened, with the status a client can act on', () => {
    const errors = results.filter((r) => r.verdict === 'error');
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      if (error.status === 200) expect(error.stream).toBe(true);
      else expect([429, 502, 504]).toContain(error.status);
    }
  });

  it('no call outlives the upstream timeout bound', () => {
    const slowest = Math.max(...results.map((r) => r.ms));
    expect(slowest).toBeLessThan(WORST_CASE_MS + SLACK_MS);
  });

  it('meters and audits every call, whatever its fate, and the chain verifies', async () => {
    const recorded = new Map(
      rig
        .rows<{ request_id: string; status: string }>(
          `SELECT request_id, status FROM usage_records WHERE request_id IN (
             SELECT request_id FROM usage_records ORDER BY rowid DESC LIMIT ?)`,
          TOTAL,
        )
        .map((row) => [row.request_id, row.status]),
    );
    for (const result of results) {
      expect(result.requestId).not.toBeNull();
      expect(recorded.get(result.requestId!)).toBe(result.verdict === 'complete' ? 'success' : 'error');
    }
    const [events] = rig.rows<{ n: number }>(
      "SELECT count(*) AS n FROM audit_events WHERE action = 'ai.chat'",
    );
    expect(events!.n).toBe(TOTAL + 200);
    expect(await rig.owner.auditEvents.verify.query()).toMatchObject({ ok: true });
  });

  it('charges only what was answered', () => {
    const [sums] = rig.rows<{ charged: number; costs: number }>(
      `SELECT (SELECT -sum(amount) FROM credit_transactions WHERE user_did = @did AND kind = 'charge') AS charged,
              (SELECT sum(credits) FROM usage_records WHERE user_did = @did) AS costs`,
      { did: rig.guestDid },
    );
    expect(sums!.charged).toBe(sums!.costs);
  });

  it('lets go of every abandoned upstream request, and its heap returns to the baseline', async () => {
    // Stalled requests were aborted by the hub at the timeout: nothing is left waiting upstream.
    expect(rig.upstream.pending).toBe(0);
    const growth = heapAfterGc() - baselineHeap;
    expect(growth).toBeLessThan(24 * 1024 * 1024);
    await Promise.resolve();
  });

  it('leaks no provider secret, even the refused key the upstream quoted back', () => {
    expect(rig.upstream.unauthorized).toBeGreaterThan(0);
    expect(leakedInAnswers).toEqual([]);
    expect(leaks(rig.secrets, rig.logs(), databaseBytes(rig.t.dir))).toEqual([]);
  });
});
