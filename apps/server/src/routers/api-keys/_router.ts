import type { TRPCRouterRecord } from '@trpc/server';
import { authedProcedure } from '../../trpc/procedures';
import { apiKeyIdInput, rotateApiKeyInput } from './by-id.schema';
import { createHandler } from './create.handler';
import { createApiKeyInput } from './create.schema';
import { listHandler } from './list.handler';
import { listApiKeysInput } from './list.schema';
import { revokeHandler } from './revoke.handler';
import { rotateHandler } from './rotate.handler';

export const apiKeysRouter = {
  list: authedProcedure.input(listApiKeysInput).query(listHandler),
  create: authedProcedure.meta({ apiKey: false }).input(createApiKeyInput).mutation(createHandler),
  rotate: authedProcedure.meta({ apiKey: false }).input(rotateApiKeyInput).mutation(rotateHandler),
  revoke: authedProcedure.input(apiKeyIdInput).mutation(revokeHandler),
} satisfies TRPCRouterRecord;
