import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { resolveUsageRange, usageByModel, usageTotals, usageWhere } from '../usage/aggregate';
import type { UsageRangeInput } from './usage.schema';

/**
 * The caller's own usage over a time range: totals and a breakdown by model. Always filtered to the caller's
 * DID (the input has no user field), so nobody reads another user's usage through here.
 */
export function usageHandler({ ctx, input }: HandlerOptions<AuthedContext, UsageRangeInput>) {
  const range = resolveUsageRange(ctx.services.clock(), input);
  const where = usageWhere({ ...range, userDid: ctx.principal.did });
  const db = ctx.services.hubDb;
  return {
    since: range.since.toISOString(),
    until: range.until.toISOString(),
    totals: usageTotals(db, where),
    byModel: usageByModel(db, where, { order: 'requests' }).rows,
  };
}
