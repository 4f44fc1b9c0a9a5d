/**
 * The hub's tRPC API, typed from the server's router, with this package's typed errors.
 *
 * The typed proxy is tRPC's own (`createTRPCClientProxy`); underneath it sits an untyped client whose query and
 * mutation methods translate failures. (Errors cannot be translated in a link: the client wraps whatever a link
 * emits into a `TRPCClientError` again.) The hub has no subscriptions.
 */
import {
  createTRPCClientProxy,
  httpLink,
  TRPCUntypedClient,
  type TRPCClient,
  type TRPCRequestOptions,
} from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@aigne-hub/server';
import { trpcError } from './errors';
import type { Transport } from './http';

/** The hub's router type: what `api` is typed from. */
export type HubRouter = AppRouter;
/** Every procedure's input, e.g. `HubRouterInputs['apiKeys']['create']`. */
export type HubRouterInputs = inferRouterInputs<HubRouter>;
/** Every procedure's output, e.g. `HubRouterOutputs['me']['get']`. */
export type HubRouterOutputs = inferRouterOutputs<HubRouter>;
/** The typed tRPC client: `api.me.get.query()`, `api.apiKeys.create.mutate({...})`, ... */
export type HubApi = TRPCClient<HubRouter>;

class HubUntypedClient extends TRPCUntypedClient<HubRouter> {
  constructor(private readonly transport: Transport) {
    super({
      links: [
        httpLink({
          url: `${transport.base}/api/trpc`,
          headers: () => transport.headers(),
          fetch: (input: string | URL | Request, init?: RequestInit) => transport.fetch(input, init),
        }),
      ],
    });
  }

  override async query(path: string, input?: unknown, opts?: TRPCRequestOptions): Promise<unknown> {
    try {
      return await super.query(path, input, opts);
    } catch (error) {
      throw trpcError(error, this.transport.base, opts?.signal);
    }
  }

  override async mutation(path: string, input?: unknown, opts?: TRPCRequestOptions): Promise<unknown> {
    try {
      return await super.mutation(path, input, opts);
    } catch (error) {
      throw trpcError(error, this.transport.base, opts?.signal);
    }
  }
}

export function createHubApi(transport: Transport): HubApi {
  return createTRPCClientProxy<HubRouter>(new HubUntypedClient(transport));
}
