import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { usageByDay, usageTotals, usageWhere } from './aggregate';
import { filterOf } from './filter';
import type { UsageSummaryInput } from './filters.schema';

/** Hub-wide (or filtered) totals, and the same per UTC day with every day of the range present. */
export function summaryHandler({ ctx, input }: HandlerOptions<AuthedContext, UsageSummaryInput>) {
  const filter = filterOf(ctx.services.clock(), input);
  const where = usageWhere(filter);
  const db = ctx.services.hubDb;
  return {
    since: filter.since.toISOString(),
    until: filter.until.toISOString(),
    totals: usageTotals(db, where),
    byDay: usageByDay(db, filter, where),
  };
}
