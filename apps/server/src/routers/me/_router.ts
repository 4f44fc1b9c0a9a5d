import type { TRPCRouterRecord } from '@trpc/server';
import { authedProcedure } from '../../trpc/procedures';
import { getHandler } from './get.handler';
import { usageHandler } from './usage.handler';
import { usageRangeInput } from './usage.schema';

export const meRouter = {
  get: authedProcedure.query(getHandler),
  usage: authedProcedure.input(usageRangeInput).query(usageHandler),
} satisfies TRPCRouterRecord;
