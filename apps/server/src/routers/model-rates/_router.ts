import type { TRPCRouterRecord } from '@trpc/server';
import { adminProcedure, authedProcedure } from '../../trpc/procedures';
import { modelRateIdInput } from './by-id.schema';
import { deleteHandler } from './delete.handler';
import { listHandler } from './list.handler';
import { listModelRatesInput } from './list.schema';
import { upsertHandler } from './upsert.handler';
import { upsertModelRateInput } from './upsert.schema';

/** The price list: anyone signed in reads it, admins change it (audited, in the same transaction). */
export const modelRatesRouter = {
  list: authedProcedure.input(listModelRatesInput).query(listHandler),
  upsert: adminProcedure.input(upsertModelRateInput).mutation(upsertHandler),
  delete: adminProcedure.input(modelRateIdInput).mutation(deleteHandler),
} satisfies TRPCRouterRecord;
