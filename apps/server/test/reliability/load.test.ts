/**
 * Load with nothing lost: N chat calls (half streamed) at 100 connections through the full gateway path,
 * billing on. Afterwards there are exactly N usage records and N `ai.chat` audit events, the chain verifies,
 * the credits charged equal the sum of the usage costs, and no planted provider secret appears in any answer,
 * the log, an audit export or the database bytes. Fast form: 2,000 calls; `pnpm soak`: 100,000.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callChat,
  COST_PER_CALL,
  databaseBytes,
  leaks,
  runLoad,
  size,
  startGatewayRig,
  summarize,
  type CallResult,
  type GatewayRig,
} from './harness';

const TOTAL = size(2_000, 100_000);
const CONNECTIONS = 100;

let rig: GatewayRig;
let results: CallResult[];
const leakedInAnswers: string[] = [];

beforeAll(async () => {
  rig = await startGatewayRig();
  results = await runLoad(TOTAL, CONNECTIONS, async (index) => {
    const result = await callChat(rig.t.hub.url, rig.apiKey, index, index % 2 === 1);
    // Searched as they arrive, so that a soak run does not keep 100,000 bodies.
    leakedInAnswers.push(...leaks(rig.secrets, result.body));
    return { ...result, body: '' };
  });
}, 60 * 60_000);

afterAll(async () => {
  await rig?.close();
});

describe(`${TOTAL} calls at ${CONNECTIONS} connections`, () => {
  it('every call is answered completely', () => {
    const summary = summarize(results);
    expect(summary.firstBroken).toEqual([]);
    expect(summary).toMatchObject({ complete: TOTAL, error: 0, broken: 0 });
  });

  it('leaves exactly one usage record and one ai.chat audit event per call, for the right request', () => {
    const [usage] = rig.rows<{ n: number; ok: number; ids: number }>(
      "SELECT count(*) AS n, sum(status = 'success') AS ok, count(DISTINCT request_id) AS ids FROM usage_records",
    );
    expect(usage).toEqual({ n: TOTAL, ok: TOTAL, ids: TOTAL });
    const [events] = rig.rows<{ n: number; ids: number }>(
      "SELECT count(*) AS n, count(DISTINCT request_id) AS ids FROM audit_events WHERE action = 'ai.chat'",
    );
    expect(events).toEqual({ n: TOTAL, ids: TOTAL });
    // The ids the clients saw are the ones recorded, in both places (compared here: audit_events has no
    // index on request_id, and a correlated query over 100,000 rows of each would take hours).
    const audited = new Set(
      rig
        .rows<{ request_id: string }>("SELECT request_id FROM audit_events WHERE action = 'ai.chat'")
        .map((row) => row.request_id),
    );
    const recorded = new Set(
      rig.rows<{ request_id: string }>('SELECT request_id FROM usage_records').map((row) => row.request_id),
    );
    expect([...recorded].filter((id) => !audited.has(id))).toEqual([]);
    expect(results.filter((r) => r.requestId === null || !recorded.has(r.requestId))).toEqual([]);
  });

  it('charges exactly the sum of the usage costs, and each call what its tokens cost', async () => {
    const [sums] = rig.rows<{ charged: number; costs: number; calls: number }>(
      `SELECT (SELECT -sum(amount) FROM credit_transactions WHERE user_did = @did AND kind = 'charge') AS charged,
              (SELECT sum(credits) FROM usage_records WHERE user_did = @did) AS costs,
              (SELECT count(*) FROM credit_transactions WHERE user_did = @did AND kind = 'charge') AS calls`,
      { did: rig.guestDid },
    );
    expect(sums!.charged).toBe(sums!.costs);
    expect(sums!.calls).toBe(TOTAL);
    expect(sums!.costs).toBe(Math.round(TOTAL * COST_PER_CALL * 1_000_000));
    const user = await rig.owner.users.byDid.query({ did: rig.guestDid });
    expect(user.credits).toBeCloseTo(1_000_000 - TOTAL * COST_PER_CALL, 6);
  });

  it('the audit chain verifies', async () => {
    expect(await rig.owner.auditEvents.verify.query()).toMatchObject({ ok: true });
  });

  it('no planted provider secret reached an answer, the log, an audit export or the database', async () => {
    const exported: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await rig.owner.auditEvents.export.query({ format: 'ndjson', ...(cursor && { cursor }) });
      exported.push(page.content);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(
      exported
        .join('')
        .split('\n')
        .filter((line) => line.includes('"ai.chat"')),
    ).toHaveLength(TOTAL);
    expect(leakedInAnswers).toEqual([]);
    expect(leaks(rig.secrets, rig.logs(), ...exported, databaseBytes(rig.t.dir))).toEqual([]);
  });
});
