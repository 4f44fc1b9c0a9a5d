import { ValidationError } from '@aigne-hub/core';
import { and, count, desc, eq, gte, lt, sql, sum, usageRecords } from '@aigne-hub/db';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { fromMicroCredits } from '../../users/users';
import type { UsageRangeInput } from './usage.schema';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The caller's own usage over a time range: totals and a breakdown by model. */
export function usageHandler({ ctx, input }: HandlerOptions<AuthedContext, UsageRangeInput>) {
  const now = ctx.services.clock();
  const until = input?.until ? new Date(input.until) : now;
  const since = input?.since ? new Date(input.since) : new Date(until.getTime() - 30 * DAY_MS);
  if (since.getTime() >= until.getTime()) throw new ValidationError('`since` must be before `until`');
  const where = and(
    eq(usageRecords.userDid, ctx.principal.did),
    gte(usageRecords.ts, since),
    lt(usageRecords.ts, until),
  );
  const columns = {
    requests: count(),
    inputTokens: sum(usageRecords.inputTokens).mapWith(Number),
    outputTokens: sum(usageRecords.outputTokens).mapWith(Number),
    credits: sum(usageRecords.credits).mapWith(Number),
    errors: sql<number>`sum(case when ${usageRecords.status} = 'success' then 0 else 1 end)`.mapWith(Number),
  };
  const db = ctx.services.hubDb;
  const totals = db.select(columns).from(usageRecords).where(where).get();
  const byModel = db
    .select({ provider: usageRecords.provider, model: usageRecords.model, ...columns })
    .from(usageRecords)
    .where(where)
    .groupBy(usageRecords.provider, usageRecords.model)
    .orderBy(desc(count()))
    .all();
  const shape = (row: {
    requests: number;
    inputTokens: number | null;
    outputTokens: number | null;
    credits: number | null;
    errors: number | null;
  }) => ({
    requests: row.requests,
    inputTokens: row.inputTokens ?? 0,
    outputTokens: row.outputTokens ?? 0,
    credits: fromMicroCredits(row.credits ?? 0),
    errors: row.errors ?? 0,
  });
  return {
    since: since.toISOString(),
    until: until.toISOString(),
    totals: shape(totals ?? { requests: 0, inputTokens: 0, outputTokens: 0, credits: 0, errors: 0 }),
    byModel: byModel.map((row) => ({ provider: row.provider, model: row.model, ...shape(row) })),
  };
}
