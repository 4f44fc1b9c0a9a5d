import type { TRPCRouterRecord } from '@trpc/server';
import { adminProcedure } from '../../trpc/procedures';
import { getHandler } from './get.handler';
import { updateHandler } from './update.handler';
import { updateConfigInput } from './update.schema';

/** Hub-wide settings: billing, credits for new users, session lifetimes, rate limits, audit retention. */
export const configRouter = {
  get: adminProcedure.query(getHandler),
  update: adminProcedure.input(updateConfigInput).mutation(updateHandler),
} satisfies TRPCRouterRecord;
