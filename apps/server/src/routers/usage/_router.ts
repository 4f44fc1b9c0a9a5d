import type { TRPCRouterRecord } from '@trpc/server';
import { adminProcedure } from '../../trpc/procedures';
import { byApiKeyHandler, byModelHandler, byProviderHandler, byUserHandler } from './breakdown.handler';
import { usageBreakdownInput, usageSummaryInput } from './filters.schema';
import { summaryHandler } from './summary.handler';

/**
 * Usage and cost analytics across the hub, for admins. Every report takes the same filters (time range,
 * user, provider, model, API key); a user's own numbers are `me.usage`.
 */
export const usageRouter = {
  summary: adminProcedure.input(usageSummaryInput).query(summaryHandler),
  byUser: adminProcedure.input(usageBreakdownInput).query(byUserHandler),
  byModel: adminProcedure.input(usageBreakdownInput).query(byModelHandler),
  byProvider: adminProcedure.input(usageBreakdownInput).query(byProviderHandler),
  byApiKey: adminProcedure.input(usageBreakdownInput).query(byApiKeyHandler),
} satisfies TRPCRouterRecord;
