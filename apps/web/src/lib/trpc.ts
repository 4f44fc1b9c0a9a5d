/**
 * The typed API client. The app is a single-page app on the hub's own origin, so one client and one query
 * client serve the whole page (the singleton form of @trpc/tanstack-react-query). The session cookie rides
 * along by itself; the browser adds the Origin header the hub checks on cookie-authenticated mutations.
 */
import type { AppRouter } from '@aigne-hub/server';
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { isUnauthorized } from './errors';
import { reportSessionEnded } from './session-events';

/**
 * `handlesUnauthorized`: the caller deals with an UNAUTHORIZED answer itself (the sign-in flow, signing out, the
 * session gate, which tells "never signed in" from "session ended"), so it is not reported as a session end.
 */
declare module '@tanstack/react-query' {
  interface Register {
    queryMeta: { handlesUnauthorized?: boolean };
    mutationMeta: { handlesUnauthorized?: boolean };
  }
}

export const trpcClient = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: '/api/trpc', maxURLLength: 2000 })],
});

/** An UNAUTHORIZED answer to a call made with a session means the session is over. */
function onError(error: unknown, meta: { handlesUnauthorized?: boolean } | undefined): void {
  if (!meta?.handlesUnauthorized && isUnauthorized(error)) reportSessionEnded();
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: (error, query) => onError(error, query.meta) }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => onError(error, mutation.meta),
    }),
    defaultOptions: {
      queries: {
        // Some reads are audited (verifying the audit chain): never repeat them just because a tab got focus.
        refetchOnWindowFocus: false,
        staleTime: 10_000,
        retry: (failureCount, error) => failureCount < 2 && isRetryable(error),
      },
      mutations: { retry: false },
    },
  });
}

/** Only a hub that could not be reached is worth asking again; an answer (403, 404, 400...) stays the answer. */
function isRetryable(error: unknown): boolean {
  const data = (error as { data?: { httpStatus?: number } } | null)?.data;
  return data === undefined || (data.httpStatus ?? 0) >= 500;
}

export const queryClient = createQueryClient();

/** Options of a call whose caller deals with UNAUTHORIZED itself (see `handlesUnauthorized` above). */
export const HANDLES_UNAUTHORIZED = { meta: { handlesUnauthorized: true } } as const;

export const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
