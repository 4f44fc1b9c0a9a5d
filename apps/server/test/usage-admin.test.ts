// The `usage` admin router (and `me.usage`) over real HTTP against a fixed set of usage records: exact sums by
// user, model, provider, API key and UTC day; filters and ranges; and who may read whose usage.
import { usageRecords, type NewUsageRecord } from '@aigne-hub/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTransaction } from '../src/audit/audit-trail';
import { createApiKey } from '../src/auth/api-keys';
import { onlyEventOf, signInPerson, type Person } from './admin-kit';
import { errorCode, startTestHub, type TestHub } from './helpers';

let t: TestHub;
let owner: Person;
let guest: Person;
let aliceKey: { id: string; prefix: string };

const ALICE = 'did:abt:zUsageAlice';
const BOB = 'did:abt:zUsageBob';
const GONE = 'did:abt:zUsageGone'; // usage outlives users: no users row
const RECENT = 'did:abt:zUsageRecent';
const DAY = 24 * 60 * 60 * 1000;

const MARCH = { since: '2025-03-01T00:00:00.000Z', until: '2025-03-04T00:00:00.000Z' };

let seq = 0;
function record(ts: Date | string, fields: Partial<NewUsageRecord>): NewUsageRecord {
  seq += 1;
  return {
    id: `u${seq}`,
    ts: new Date(ts),
    userDid: ALICE,
    provider: 'openai',
    model: 'gpt-4o',
    endpoint: 'chat',
    status: 'success',
    ...fields,
  };
}

beforeAll(async () => {
  t = await startTestHub();
  owner = await signInPerson(t, t.hub.setupCode!);
  guest = await signInPerson(t);
  const { hubDb } = t.hub.services;
  const insertUser = hubDb.$client.prepare('INSERT INTO users (did, name) VALUES (?, ?)');
  insertUser.run(ALICE, 'Alice');
  insertUser.run(BOB, 'Bob');
  aliceKey = writeTransaction(hubDb, (tx) =>
    createApiKey(tx, ALICE, {
      name: 'alice-ci',
      scopes: ['ai'],
      expiresAt: null,
      allowedModels: null,
      allowedIps: null,
      rateLimitPerMinute: null,
    }),
  ).key;
  const now = Date.now();
  hubDb
    .insert(usageRecords)
    .values([
      // Just before the March range, and exactly at its (exclusive) end: never counted in it.
      record('2025-02-28T23:59:59.999Z', { apiKeyId: aliceKey.id, inputTokens: 9999, credits: 99_000_000 }),
      record('2025-03-04T00:00:00.000Z', { apiKeyId: aliceKey.id, inputTokens: 8888, credits: 88_000_000 }),
      // The March range.
      record('2025-03-01T00:00:00.000Z', {
        apiKeyId: aliceKey.id,
        inputTokens: 100,
        outputTokens: 50,
        credits: 1_500_000,
      }),
      record('2025-03-01T23:59:59.999Z', { inputTokens: 200, outputTokens: 100, credits: 2_000_001 }),
      record('2025-03-02T10:00:00.000Z', {
        userDid: BOB,
        apiKeyId: 'key-deleted',
        provider: 'anthropic',
        model: 'claude-3',
        endpoint: 'chat',
        inputTokens: 1000,
        outputTokens: 500,
        credits: 7_250_000,
      }),
      record('2025-03-02T11:00:00.000Z', {
        userDid: BOB,
        apiKeyId: 'key-deleted',
        provider: 'anthropic',
        model: 'claude-3',
        inputTokens: 10,
        status: 'error',
        errorKind: 'upstream',
      }),
      record('2025-03-03T00:00:00.000Z', {
        userDid: GONE,
        model: 'gpt-4o-mini',
        inputTokens: 30,
        outputTokens: 20,
        credits: 333,
        status: 'aborted',
      }),
      // The guest's own usage, in April.
      record('2025-04-10T08:00:00.000Z', {
        userDid: guest.did,
        inputTokens: 5,
        outputTokens: 6,
        credits: 1_000_000,
      }),
      // Relative to now, for the default range (the last 30 days).
      record(new Date(now - 2 * DAY), { userDid: RECENT, inputTokens: 7, credits: 3 }),
      record(new Date(now - 31 * DAY), { userDid: RECENT, inputTokens: 70, credits: 30 }),
      record(new Date(now - 1 * DAY), { userDid: guest.did, inputTokens: 1, outputTokens: 1, credits: 10 }),
    ])
    .run();
});
afterAll(() => t.close());

const metrics = (
  requests: number,
  inputTokens: number,
  outputTokens: number,
  credits: number,
  errors: number,
) => ({ requests, inputTokens, outputTokens, credits, errors });

describe('usage.summary', () => {
  it('totals [since, until) exactly and per UTC day', async () => {
    expect(await owner.session.trpc.usage.summary.query(MARCH)).toEqual({
      since: MARCH.since,
      until: MARCH.until,
      totals: metrics(5, 1340, 670, 10.750334, 2),
      byDay: [
        { day: '2025-03-01', ...metrics(2, 300, 150, 3.500001, 0) },
        { day: '2025-03-02', ...metrics(2, 1010, 500, 7.25, 1) },
        { day: '2025-03-03', ...metrics(1, 30, 20, 0.000333, 1) },
      ],
    });
  });

  it('lists every day of the range, empty days as zeros', async () => {
    const result = await owner.session.trpc.usage.summary.query({
      since: '2025-02-27T12:00:00.000Z',
      until: '2025-03-01T00:00:00.000Z',
    });
    expect(result.byDay).toEqual([
      { day: '2025-02-27', ...metrics(0, 0, 0, 0, 0) },
      { day: '2025-02-28', ...metrics(1, 9999, 0, 99, 0) },
    ]);
  });

  it('narrows by user (DID or bare address), provider, model and API key', async () => {
    const totals = async (filter: Record<string, string>) =>
      (await owner.session.trpc.usage.summary.query({ ...MARCH, ...filter })).totals;
    expect(await totals({ userDid: ALICE })).toEqual(metrics(2, 300, 150, 3.500001, 0));
    expect(await totals({ userDid: 'zUsageBob' })).toEqual(metrics(2, 1010, 500, 7.25, 1));
    expect(await totals({ provider: 'openai' })).toEqual(metrics(3, 330, 170, 3.500334, 1));
    expect(await totals({ provider: 'openai', model: 'gpt-4o-mini' })).toEqual(
      metrics(1, 30, 20, 0.000333, 1),
    );
    expect(await totals({ model: 'claude-3' })).toEqual(metrics(2, 1010, 500, 7.25, 1));
    expect(await totals({ apiKeyId: aliceKey.id })).toEqual(metrics(1, 100, 50, 1.5, 0));
    expect(await totals({ userDid: 'did:abt:zNobody' })).toEqual(metrics(0, 0, 0, 0, 0));
  });

  it('covers the last 30 days by default', async () => {
    const result = await owner.session.trpc.usage.summary.query();
    const since = Date.parse(result.since);
    const until = Date.parse(result.until);
    expect(until - since).toBe(30 * DAY);
    expect(Math.abs(until - Date.now())).toBeLessThan(60_000);
    expect(result.totals).toEqual(metrics(2, 8, 1, 0.000013, 0));
    expect(result.byDay[0]!.day).toBe(result.since.slice(0, 10));
    expect(result.byDay.at(-1)!.day).toBe(new Date(until - 1).toISOString().slice(0, 10));
    expect(result.byDay.reduce((n, day) => n + day.requests, 0)).toBe(2);
  });

  it('refuses a range over 366 days, an inverted one and malformed input', async () => {
    const summary = (input: unknown) => errorCode(owner.session.trpc.usage.summary.query(input as never));
    expect(
      await owner.session.trpc.usage.summary.query({
        since: '2024-03-01T00:00:00.000Z',
        until: '2025-03-02T00:00:00.000Z',
      }),
    ).toMatchObject({ totals: { requests: 3 } });
    expect(await summary({ since: '2024-03-01T00:00:00.000Z', until: '2025-03-02T00:00:00.001Z' })).toBe(
      'BAD_REQUEST',
    );
    expect(await summary({ since: MARCH.until, until: MARCH.since })).toBe('BAD_REQUEST');
    expect(await summary({ since: 'last week' })).toBe('BAD_REQUEST');
    expect(await summary({ user: ALICE })).toBe('BAD_REQUEST');
    expect(await summary({ provider: '' })).toBe('BAD_REQUEST');
  });
});

describe('usage breakdowns', () => {
  it('by user, biggest spender first, with names where the user still exists', async () => {
    expect(await owner.session.trpc.usage.byUser.query(MARCH)).toEqual({
      ...MARCH,
      truncated: false,
      rows: [
        { userDid: BOB, name: 'Bob', ...metrics(2, 1010, 500, 7.25, 1) },
        { userDid: ALICE, name: 'Alice', ...metrics(2, 300, 150, 3.500001, 0) },
        { userDid: GONE, name: null, ...metrics(1, 30, 20, 0.000333, 1) },
      ],
    });
  });

  it('by model', async () => {
    expect((await owner.session.trpc.usage.byModel.query(MARCH)).rows).toEqual([
      { provider: 'anthropic', model: 'claude-3', ...metrics(2, 1010, 500, 7.25, 1) },
      { provider: 'openai', model: 'gpt-4o', ...metrics(2, 300, 150, 3.500001, 0) },
      { provider: 'openai', model: 'gpt-4o-mini', ...metrics(1, 30, 20, 0.000333, 1) },
    ]);
  });

  it('by provider', async () => {
    expect((await owner.session.trpc.usage.byProvider.query(MARCH)).rows).toEqual([
      { provider: 'anthropic', ...metrics(2, 1010, 500, 7.25, 1) },
      { provider: 'openai', ...metrics(3, 330, 170, 3.500334, 1) },
    ]);
  });

  it('by API key, session usage (no key) per user, deleted keys still counted', async () => {
    expect((await owner.session.trpc.usage.byApiKey.query(MARCH)).rows).toEqual([
      { apiKeyId: 'key-deleted', name: null, prefix: null, userDid: BOB, ...metrics(2, 1010, 500, 7.25, 1) },
      { apiKeyId: null, name: null, prefix: null, userDid: ALICE, ...metrics(1, 200, 100, 2.000001, 0) },
      {
        apiKeyId: aliceKey.id,
        name: 'alice-ci',
        prefix: aliceKey.prefix,
        userDid: ALICE,
        ...metrics(1, 100, 50, 1.5, 0),
      },
      { apiKeyId: null, name: null, prefix: null, userDid: GONE, ...metrics(1, 30, 20, 0.000333, 1) },
    ]);
  });

  it('takes the same filters, and says when the limit cut rows off', async () => {
    const top = await owner.session.trpc.usage.byUser.query({ ...MARCH, limit: 2 });
    expect(top.rows.map((row) => row.userDid)).toEqual([BOB, ALICE]);
    expect(top.truncated).toBe(true);
    const openai = await owner.session.trpc.usage.byUser.query({ ...MARCH, provider: 'openai', limit: 2 });
    expect(openai).toMatchObject({ truncated: false, rows: [{ userDid: ALICE }, { userDid: GONE }] });
    expect(await errorCode(owner.session.trpc.usage.byModel.query({ limit: 0 }))).toBe('BAD_REQUEST');
    expect(await errorCode(owner.session.trpc.usage.byModel.query({ limit: 1001 }))).toBe('BAD_REQUEST');
  });
});

describe("nobody reads another user's usage", () => {
  it('refuses every usage report to a guest, and audits the refusals', async () => {
    const reports = guest.session.trpc.usage;
    for (const [name, call] of [
      ['usage.summary', () => reports.summary.query({ userDid: ALICE })],
      ['usage.byUser', () => reports.byUser.query()],
      ['usage.byModel', () => reports.byModel.query()],
      ['usage.byProvider', () => reports.byProvider.query()],
      ['usage.byApiKey', () => reports.byApiKey.query({ userDid: ALICE })],
    ] as const) {
      expect(await errorCode(call())).toBe('FORBIDDEN');
      expect(onlyEventOf(t, guest.session.lastRequestId())).toMatchObject({
        action: name,
        outcome: 'denied',
        actorDid: guest.did,
      });
    }
  });

  it('shows a guest only their own usage through me.usage, which takes no user', async () => {
    expect(
      await guest.session.trpc.me.usage.query({
        since: '2025-03-01T00:00:00Z',
        until: '2025-05-01T00:00:00Z',
      }),
    ).toEqual({
      since: '2025-03-01T00:00:00.000Z',
      until: '2025-05-01T00:00:00.000Z',
      totals: metrics(1, 5, 6, 1, 0),
      byModel: [{ provider: 'openai', model: 'gpt-4o', ...metrics(1, 5, 6, 1, 0) }],
    });
    expect((await guest.session.trpc.me.usage.query()).totals).toEqual(metrics(1, 1, 1, 0.00001, 0));
    expect(await errorCode(guest.session.trpc.me.usage.query({ userDid: ALICE } as never))).toBe(
      'BAD_REQUEST',
    );
  });

  it("keeps an admin's me.usage to their own too", async () => {
    expect((await owner.session.trpc.me.usage.query(MARCH)).totals).toEqual(metrics(0, 0, 0, 0, 0));
  });
});
