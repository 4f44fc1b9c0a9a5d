/**
 * The four breakdowns, one procedure each so that every row type is exact on the client. Each returns the top
 * `limit` groups by credits (then requests), and `truncated` when more groups matched.
 */
import type { HubDatabase, SQL } from '@aigne-hub/db';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import {
  usageByApiKey,
  usageByModel,
  usageByProvider,
  usageByUser,
  usageWhere,
  type Breakdown,
} from './aggregate';
import { filterOf } from './filter';
import type { UsageBreakdownInput } from './filters.schema';

function breakdown<T>(
  { ctx, input }: HandlerOptions<AuthedContext, UsageBreakdownInput>,
  run: (db: HubDatabase, where: SQL | undefined, limit: number) => Breakdown<T>,
) {
  const filter = filterOf(ctx.services.clock(), input);
  const result = run(ctx.services.hubDb, usageWhere(filter), input?.limit ?? 100);
  return { since: filter.since.toISOString(), until: filter.until.toISOString(), ...result };
}

export const byUserHandler = (options: HandlerOptions<AuthedContext, UsageBreakdownInput>) =>
  breakdown(options, usageByUser);

export const byModelHandler = (options: HandlerOptions<AuthedContext, UsageBreakdownInput>) =>
  breakdown(options, (db, where, limit) => usageByModel(db, where, { order: 'credits', limit }));

export const byProviderHandler = (options: HandlerOptions<AuthedContext, UsageBreakdownInput>) =>
  breakdown(options, usageByProvider);

export const byApiKeyHandler = (options: HandlerOptions<AuthedContext, UsageBreakdownInput>) =>
  breakdown(options, usageByApiKey);
