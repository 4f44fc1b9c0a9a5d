import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import type { ProviderIdInput } from './by-id.schema';
import { findProvider } from './rules';
import { credentialCounts, providerView } from './view';

export function byIdHandler({ ctx, input }: HandlerOptions<AuthedContext, ProviderIdInput>) {
  const db = ctx.services.hubDb;
  const provider = findProvider(db, input.id);
  return providerView(provider, credentialCounts(db, provider.id).get(provider.id) ?? 0);
}
