import type { TRPCRouterRecord } from '@trpc/server';
import { authedProcedure, publicProcedure } from '../../trpc/procedures';
import { challengeHandler } from './challenge.handler';
import { challengeInput } from './challenge.schema';
import { loginHandler } from './login.handler';
import { loginInput } from './login.schema';
import { logoutHandler } from './logout.handler';
import { revokeSessionHandler } from './revoke-session.handler';
import { revokeSessionInput } from './revoke-session.schema';
import { sessionsHandler } from './sessions.handler';
import { setupStatusHandler } from './setup-status.handler';

export const authRouter = {
  setupStatus: publicProcedure.query(setupStatusHandler),
  challenge: publicProcedure.input(challengeInput).mutation(challengeHandler),
  login: publicProcedure.input(loginInput).mutation(loginHandler),
  logout: authedProcedure.meta({ apiKey: false }).mutation(logoutHandler),
  sessions: authedProcedure.query(sessionsHandler),
  revokeSession: authedProcedure
    .meta({ apiKey: false })
    .input(revokeSessionInput)
    .mutation(revokeSessionHandler),
} satisfies TRPCRouterRecord;
