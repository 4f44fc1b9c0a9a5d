/**
 * Usage analytics over `usage_records`, shared by `usage.*` (admins, any user) and `me.usage` (the caller).
 * Everything is summed by SQLite (GROUP BY over the filter), never by looping over rows here: the filters are
 * shaped to hit the table's indexes (`ts`, `user_did, ts`, `api_key_id, ts`, `provider, model, ts`), so a
 * report costs one index range scan per query whatever the table's size.
 *
 * Credits are stored as integer micro-credits, so sums are exact; they leave as whole credits. Days are UTC.
 */
import { ValidationError } from '@aigne-hub/core';
import {
  and,
  apiKeys,
  asc,
  count,
  desc,
  eq,
  gte,
  lt,
  sql,
  sum,
  usageRecords,
  users,
  type HubDatabase,
  type HubTransaction,
  type SQL,
} from '@aigne-hub/db';
import { fromMicroCredits } from '../../users/users';

type Db = HubDatabase | HubTransaction;

export const DAY_MS = 24 * 60 * 60 * 1000;
/** The range a report covers when the caller gives none: the last 30 days. */
export const DEFAULT_RANGE_DAYS = 30;

export interface UsageRange {
  since: Date;
  until: Date;
}

/**
 * The [since, until) range of a report: `until` defaults to now, `since` to 30 days before `until`. With
 * `maxDays`, a longer range is a ValidationError (a year of daily buckets is plenty for one screen).
 */
export function resolveUsageRange(
  now: Date,
  input: { since?: string | undefined; until?: string | undefined } | undefined,
  maxDays?: number,
): UsageRange {
  const until = input?.until ? new Date(input.until) : now;
  const since = input?.since
    ? new Date(input.since)
    : new Date(until.getTime() - DEFAULT_RANGE_DAYS * DAY_MS);
  if (since.getTime() >= until.getTime()) throw new ValidationError('`since` must be before `until`');
  if (maxDays !== undefined && until.getTime() - since.getTime() > maxDays * DAY_MS) {
    throw new ValidationError(`The range is at most ${maxDays} days`);
  }
  return { since, until };
}

export interface UsageFilter extends UsageRange {
  userDid?: string | undefined;
  provider?: string | undefined;
  model?: string | undefined;
  apiKeyId?: string | undefined;
}

/** The WHERE clause of a filter: always the time range, plus any of user, provider, model, API key. */
export function usageWhere(filter: UsageFilter): SQL | undefined {
  return and(
    filter.userDid !== undefined ? eq(usageRecords.userDid, filter.userDid) : undefined,
    filter.apiKeyId !== undefined ? eq(usageRecords.apiKeyId, filter.apiKeyId) : undefined,
    filter.provider !== undefined ? eq(usageRecords.provider, filter.provider) : undefined,
    filter.model !== undefined ? eq(usageRecords.model, filter.model) : undefined,
    gte(usageRecords.ts, filter.since),
    lt(usageRecords.ts, filter.until),
  );
}

/** The measures of every report, as SQL aggregates. */
const METRICS = {
  requests: count(),
  inputTokens: sum(usageRecords.inputTokens).mapWith(Number),
  outputTokens: sum(usageRecords.outputTokens).mapWith(Number),
  /** Micro-credits here; `toMetrics` turns them into credits. */
  credits: sum(usageRecords.credits).mapWith(Number),
  errors: sql<number>`sum(case when ${usageRecords.status} = 'success' then 0 else 1 end)`.mapWith(Number),
};

/** Summed measures of a set of usage records. */
export interface UsageMetrics {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** Credits charged (whole credits; exact to the micro-credit). */
  credits: number;
  /** Requests that did not succeed (`error` or `aborted`). */
  errors: number;
}

interface MetricsRow {
  requests: number;
  inputTokens: number | null;
  outputTokens: number | null;
  credits: number | null;
  errors: number | null;
}

/** SUM over no rows is NULL; a report says 0. */
function toMetrics(row: MetricsRow | undefined): UsageMetrics {
  return {
    requests: row?.requests ?? 0,
    inputTokens: row?.inputTokens ?? 0,
    outputTokens: row?.outputTokens ?? 0,
    credits: fromMicroCredits(row?.credits ?? 0),
    errors: row?.errors ?? 0,
  };
}

/** Biggest spenders first; the grouping key breaks ties so that the order is stable. */
const BY_COST = [desc(sum(usageRecords.credits)), desc(count())];

/** A breakdown with at most `limit` rows; `truncated` says more groups matched. */
export interface Breakdown<T> {
  rows: (T & UsageMetrics)[];
  truncated: boolean;
}

function limited<T extends MetricsRow>(rows: T[], limit: number): { rows: T[]; truncated: boolean } {
  return { rows: rows.slice(0, limit), truncated: rows.length > limit };
}

/** The totals statement, unexecuted (its query plan is checked by a test). */
export function usageTotalsQuery(db: Db, where: SQL | undefined) {
  return db.select(METRICS).from(usageRecords).where(where);
}

export function usageTotals(db: Db, where: SQL | undefined): UsageMetrics {
  return toMetrics(usageTotalsQuery(db, where).get());
}

/** Per provider and model. `order`: most requests first (a person's own view) or most credits first. */
export function usageByModel(
  db: Db,
  where: SQL | undefined,
  options: { order: 'requests' | 'credits'; limit?: number },
): Breakdown<{ provider: string; model: string }> {
  const order = options.order === 'credits' ? BY_COST : [desc(count()), desc(sum(usageRecords.credits))];
  const rows = db
    .select({ provider: usageRecords.provider, model: usageRecords.model, ...METRICS })
    .from(usageRecords)
    .where(where)
    .groupBy(usageRecords.provider, usageRecords.model)
    .orderBy(...order, asc(usageRecords.provider), asc(usageRecords.model))
    // LIMIT -1 is SQLite for "no limit".
    .limit(options.limit === undefined ? -1 : options.limit + 1)
    .all();
  const page = limited(rows, options.limit ?? Number.POSITIVE_INFINITY);
  return {
    rows: page.rows.map((row) => ({ provider: row.provider, model: row.model, ...toMetrics(row) })),
    truncated: page.truncated,
  };
}

export function usageByProvider(
  db: Db,
  where: SQL | undefined,
  limit: number,
): Breakdown<{ provider: string }> {
  const rows = db
    .select({ provider: usageRecords.provider, ...METRICS })
    .from(usageRecords)
    .where(where)
    .groupBy(usageRecords.provider)
    .orderBy(...BY_COST, asc(usageRecords.provider))
    .limit(limit + 1)
    .all();
  const page = limited(rows, limit);
  return {
    rows: page.rows.map((row) => ({ provider: row.provider, ...toMetrics(row) })),
    truncated: page.truncated,
  };
}

/** Per user, with the user's name when they still exist. */
export function usageByUser(
  db: Db,
  where: SQL | undefined,
  limit: number,
): Breakdown<{ userDid: string; name: string | null }> {
  const rows = db
    .select({ userDid: usageRecords.userDid, name: users.name, ...METRICS })
    .from(usageRecords)
    .leftJoin(users, eq(users.did, usageRecords.userDid))
    .where(where)
    .groupBy(usageRecords.userDid, users.name)
    .orderBy(...BY_COST, asc(usageRecords.userDid))
    .limit(limit + 1)
    .all();
  const page = limited(rows, limit);
  return {
    rows: page.rows.map((row) => ({ userDid: row.userDid, name: row.name, ...toMetrics(row) })),
    truncated: page.truncated,
  };
}

/**
 * Per API key, with the key's name, prefix and owner while the key row exists (usage outlives keys). The row
 * with `apiKeyId: null` is usage from browser sessions (the Playground).
 */
export function usageByApiKey(
  db: Db,
  where: SQL | undefined,
  limit: number,
): Breakdown<{ apiKeyId: string | null; name: string | null; prefix: string | null; userDid: string }> {
  const rows = db
    .select({
      apiKeyId: usageRecords.apiKeyId,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      userDid: usageRecords.userDid,
      ...METRICS,
    })
    .from(usageRecords)
    .leftJoin(apiKeys, eq(apiKeys.id, usageRecords.apiKeyId))
    .where(where)
    // A key belongs to one user, so grouping by the user too splits only the session (NULL key) usage.
    .groupBy(usageRecords.apiKeyId, usageRecords.userDid, apiKeys.name, apiKeys.prefix)
    .orderBy(...BY_COST, asc(usageRecords.apiKeyId), asc(usageRecords.userDid))
    .limit(limit + 1)
    .all();
  const page = limited(rows, limit);
  return {
    rows: page.rows.map((row) => ({
      apiKeyId: row.apiKeyId,
      name: row.name,
      prefix: row.prefix,
      userDid: row.userDid,
      ...toMetrics(row),
    })),
    truncated: page.truncated,
  };
}

/** `YYYY-MM-DD` of a UTC day. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Every UTC day that [since, until) touches, in order. */
export function daysOf(range: UsageRange): string[] {
  const days: string[] = [];
  const first = Date.UTC(range.since.getUTCFullYear(), range.since.getUTCMonth(), range.since.getUTCDate());
  for (let t = first; t < range.until.getTime(); t += DAY_MS) days.push(utcDay(new Date(t)));
  return days;
}

/**
 * Per UTC day, every day of the range present (zero when nothing was used), oldest first, so a chart needs no
 * gap filling. The day is computed by SQLite from the millisecond timestamp.
 */
export function usageByDay(
  db: Db,
  range: UsageRange,
  where: SQL | undefined,
): ({ day: string } & UsageMetrics)[] {
  const day = sql<string>`strftime('%Y-%m-%d', ${usageRecords.ts} / 1000, 'unixepoch')`;
  const rows = db
    .select({ day, ...METRICS })
    .from(usageRecords)
    .where(where)
    .groupBy(day)
    .all();
  const byDay = new Map(rows.map((row) => [row.day, row]));
  return daysOf(range).map((d) => ({ day: d, ...toMetrics(byDay.get(d)) }));
}
