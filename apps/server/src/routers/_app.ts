/**
 * The hub's API. Only this file calls `router()`; each domain is a plain record of procedures.
 */
import { router } from '../trpc/procedures';
import { apiKeysRouter } from './api-keys/_router';
import { auditEventsRouter } from './audit-events/_router';
import { authRouter } from './auth/_router';
import { configRouter } from './config/_router';
import { credentialsRouter } from './credentials/_router';
import { meRouter } from './me/_router';
import { modelRatesRouter } from './model-rates/_router';
import { providersRouter } from './providers/_router';
import { usageRouter } from './usage/_router';
import { usersRouter } from './users/_router';

export const appRouter = router({
  auth: authRouter,
  me: meRouter,
  apiKeys: apiKeysRouter,
  auditEvents: auditEventsRouter,
  users: usersRouter,
  config: configRouter,
  usage: usageRouter,
  providers: providersRouter,
  credentials: credentialsRouter,
  modelRates: modelRatesRouter,
});

export type AppRouter = typeof appRouter;
