// The aggregation module over a real, migrated SQLite database: exact sums, UTC days, ranges, and the indexes
// the statements use.
import { ValidationError } from '@aigne-hub/core';
import { usageRecords, type HubDatabases, type NewUsageRecord } from '@aigne-hub/db';
import { createTestDatabases } from '@aigne-hub/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  daysOf,
  DAY_MS,
  resolveUsageRange,
  usageByDay,
  usageByModel,
  usageTotals,
  usageTotalsQuery,
  usageWhere,
} from './aggregate';

let dbs: HubDatabases;

const record = (id: string, ts: string, fields: Partial<NewUsageRecord>): NewUsageRecord => ({
  id,
  ts: new Date(ts),
  userDid: 'did:abt:zA',
  provider: 'openai',
  model: 'gpt-4o',
  endpoint: 'chat',
  status: 'success',
  ...fields,
});

beforeAll(() => {
  dbs = createTestDatabases();
  dbs.hub.db
    .insert(usageRecords)
    .values([
      record('a', '2025-05-10T00:00:00.000Z', { inputTokens: 1, outputTokens: 2, credits: 1 }),
      record('b', '2025-05-10T23:59:59.999Z', { inputTokens: 10, outputTokens: 20, credits: 999_999 }),
      record('c', '2025-05-11T00:00:00.000Z', { model: 'o3', status: 'error', credits: 5 }),
      record('d', '2025-05-11T12:00:00.000Z', { userDid: 'did:abt:zB', model: 'o3', status: 'aborted' }),
      record('e', '2025-05-12T00:00:00.000Z', { inputTokens: 1000 }),
    ])
    .run();
});
afterAll(() => dbs.close());

const range = { since: new Date('2025-05-10T00:00:00.000Z'), until: new Date('2025-05-12T00:00:00.000Z') };

describe('usage aggregation', () => {
  it('sums exactly over [since, until), counting non-successes as errors', () => {
    expect(usageTotals(dbs.hub.db, usageWhere(range))).toEqual({
      requests: 4,
      inputTokens: 11,
      outputTokens: 22,
      credits: 1.000005,
      errors: 2,
    });
    expect(usageTotals(dbs.hub.db, usageWhere({ ...range, userDid: 'did:abt:zB' }))).toEqual({
      requests: 1,
      inputTokens: 0,
      outputTokens: 0,
      credits: 0,
      errors: 1,
    });
  });

  it('says zero, not null, when nothing matches', () => {
    expect(usageTotals(dbs.hub.db, usageWhere({ ...range, provider: 'nobody' }))).toEqual({
      requests: 0,
      inputTokens: 0,
      outputTokens: 0,
      credits: 0,
      errors: 0,
    });
  });

  it('buckets by UTC day, the last millisecond of a day in that day', () => {
    const days = usageByDay(dbs.hub.db, range, usageWhere(range));
    expect(days).toEqual([
      { day: '2025-05-10', requests: 2, inputTokens: 11, outputTokens: 22, credits: 1, errors: 0 },
      { day: '2025-05-11', requests: 2, inputTokens: 0, outputTokens: 0, credits: 0.000005, errors: 2 },
    ]);
  });

  it('orders models by requests or by credits, ties broken by name', () => {
    const where = usageWhere(range);
    expect(usageByModel(dbs.hub.db, where, { order: 'requests' }).rows.map((r) => r.model)).toEqual([
      'gpt-4o',
      'o3',
    ]);
    const byCredits = usageByModel(dbs.hub.db, usageWhere({ ...range, userDid: 'did:abt:zA' }), {
      order: 'credits',
      limit: 1,
    });
    expect(byCredits).toEqual({
      rows: [
        {
          provider: 'openai',
          model: 'gpt-4o',
          requests: 2,
          inputTokens: 11,
          outputTokens: 22,
          credits: 1,
          errors: 0,
        },
      ],
      truncated: true,
    });
  });

  it('runs on the indexes of usage_records', () => {
    const plan = (where: ReturnType<typeof usageWhere>) => {
      const { sql, params } = usageTotalsQuery(dbs.hub.db, where).toSQL();
      return (dbs.hub.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
        .map((row) => row.detail)
        .join('\n');
    };
    expect(plan(usageWhere(range))).toMatch(/USING (COVERING )?INDEX usage_records_ts_idx/);
    expect(plan(usageWhere({ ...range, userDid: 'did:abt:zA' }))).toMatch(/usage_records_user_did_ts_idx/);
    expect(plan(usageWhere({ ...range, apiKeyId: 'k' }))).toMatch(/usage_records_api_key_id_ts_idx/);
    expect(plan(usageWhere({ ...range, provider: 'openai', model: 'o3' }))).toMatch(
      /usage_records_provider_model_ts_idx/,
    );
  });
});

describe('resolveUsageRange', () => {
  const now = new Date('2025-06-01T08:30:00.000Z');

  it('defaults to the 30 days before now', () => {
    expect(resolveUsageRange(now, undefined)).toEqual({
      since: new Date('2025-05-02T08:30:00.000Z'),
      until: now,
    });
    expect(resolveUsageRange(now, { until: '2025-01-31T00:00:00Z' })).toEqual({
      since: new Date('2025-01-01T00:00:00.000Z'),
      until: new Date('2025-01-31T00:00:00.000Z'),
    });
  });

  it('reads offsets and refuses an empty, inverted or too long range', () => {
    expect(resolveUsageRange(now, { since: '2025-05-31T02:00:00+02:00' }).since).toEqual(
      new Date('2025-05-31T00:00:00.000Z'),
    );
    expect(() => resolveUsageRange(now, { since: now.toISOString() })).toThrow(ValidationError);
    expect(() => resolveUsageRange(now, { since: '2025-07-01T00:00:00Z' })).toThrow(
      '`since` must be before `until`',
    );
    const since = new Date(now.getTime() - 366 * DAY_MS).toISOString();
    expect(resolveUsageRange(now, { since }, 366).since.toISOString()).toBe(since);
    const tooEarly = new Date(now.getTime() - 366 * DAY_MS - 1).toISOString();
    expect(() => resolveUsageRange(now, { since: tooEarly }, 366)).toThrow('The range is at most 366 days');
  });
});

describe('daysOf', () => {
  it('lists every UTC day the range touches, until exclusive', () => {
    expect(
      daysOf({ since: new Date('2024-02-28T23:00:00Z'), until: new Date('2024-03-01T00:00:00Z') }),
    ).toEqual(['2024-02-28', '2024-02-29']);
    expect(
      daysOf({ since: new Date('2024-12-31T00:00:00Z'), until: new Date('2025-01-01T00:00:00.001Z') }),
    ).toEqual(['2024-12-31', '2025-01-01']);
  });
});
