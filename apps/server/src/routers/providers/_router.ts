import type { TRPCRouterRecord } from '@trpc/server';
import { adminProcedure } from '../../trpc/procedures';
import { byIdHandler } from './by-id.handler';
import { providerIdInput } from './by-id.schema';
import { createHandler } from './create.handler';
import { createProviderInput } from './create.schema';
import { deleteHandler } from './delete.handler';
import { listHandler } from './list.handler';
import { listProvidersInput } from './list.schema';
import { setEnabledHandler } from './set-enabled.handler';
import { setProviderEnabledInput } from './set-enabled.schema';
import { updateHandler } from './update.handler';
import { updateProviderInput } from './update.schema';

/** Upstream providers, for admins. Each mutation and its audit event commit together. */
export const providersRouter = {
  list: adminProcedure.input(listProvidersInput).query(listHandler),
  byId: adminProcedure.input(providerIdInput).query(byIdHandler),
  create: adminProcedure.input(createProviderInput).mutation(createHandler),
  update: adminProcedure.input(updateProviderInput).mutation(updateHandler),
  delete: adminProcedure.input(providerIdInput).mutation(deleteHandler),
  setEnabled: adminProcedure.input(setProviderEnabledInput).mutation(setEnabledHandler),
} satisfies TRPCRouterRecord;
