import type { TRPCRouterRecord } from '@trpc/server';
import { adminProcedure } from '../../trpc/procedures';
import { byIdHandler } from './by-id.handler';
import { credentialIdInput } from './by-id.schema';
import { createHandler } from './create.handler';
import { createCredentialInput } from './create.schema';
import { deleteHandler } from './delete.handler';
import { listHandler } from './list.handler';
import { listCredentialsInput } from './list.schema';
import { setEnabledHandler } from './set-enabled.handler';
import { setCredentialEnabledInput } from './set-enabled.schema';
import { testHandler } from './test.handler';
import { testCredentialInput } from './test.schema';
import { updateHandler } from './update.handler';
import { updateCredentialInput } from './update.schema';

/**
 * Provider credentials, for admins. Secrets go in (create, update) and never come out: every answer and
 * audit event carries masked values only.
 */
export const credentialsRouter = {
  list: adminProcedure.input(listCredentialsInput).query(listHandler),
  byId: adminProcedure.input(credentialIdInput).query(byIdHandler),
  create: adminProcedure.input(createCredentialInput).mutation(createHandler),
  update: adminProcedure.input(updateCredentialInput).mutation(updateHandler),
  delete: adminProcedure.input(credentialIdInput).mutation(deleteHandler),
  setEnabled: adminProcedure.input(setCredentialEnabledInput).mutation(setEnabledHandler),
  test: adminProcedure.input(testCredentialInput).mutation(testHandler),
} satisfies TRPCRouterRecord;
