/**
 * The hub's API. Only this file calls `router()`; each domain is a plain record of procedures.
 */
import { router } from '../trpc/procedures';
import { apiKeysRouter } from './api-keys/_router';
import { authRouter } from './auth/_router';
import { meRouter } from './me/_router';

export const appRouter = router({
  auth: authRouter,
  me: meRouter,
  apiKeys: apiKeysRouter,
});

export type AppRouter = typeof appRouter;
