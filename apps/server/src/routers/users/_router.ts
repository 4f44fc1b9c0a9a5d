import type { TRPCRouterRecord } from '@trpc/server';
import { adminProcedure, ownerProcedure } from '../../trpc/procedures';
import { byDidHandler } from './by-did.handler';
import { userDidInput } from './by-did.schema';
import { grantCreditsHandler } from './grant-credits.handler';
import { grantCreditsInput } from './grant-credits.schema';
import { listHandler } from './list.handler';
import { listUsersInput } from './list.schema';
import { revokeSessionsHandler } from './revoke-sessions.handler';
import { setRoleHandler } from './set-role.handler';
import { setRoleInput } from './set-role.schema';
import { transferOwnershipHandler } from './transfer-ownership.handler';

/**
 * Users and roles, for admins. Users are created on first sign-in (auth/login.ts), so there is no `create`.
 * Role changes and ownership transfer need a person at a browser: a leaked API key must not be able to
 * promote anyone.
 */
export const usersRouter = {
  list: adminProcedure.input(listUsersInput).query(listHandler),
  byDid: adminProcedure.input(userDidInput).query(byDidHandler),
  setRole: adminProcedure.meta({ apiKey: false }).input(setRoleInput).mutation(setRoleHandler),
  grantCredits: adminProcedure.input(grantCreditsInput).mutation(grantCreditsHandler),
  revokeSessions: adminProcedure.input(userDidInput).mutation(revokeSessionsHandler),
  transferOwnership: ownerProcedure
    .meta({ apiKey: false })
    .input(userDidInput)
    .mutation(transferOwnershipHandler),
} satisfies TRPCRouterRecord;
