import { and, asc, eq, providers } from '@aigne-hub/db';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import type { ListProvidersInput } from './list.schema';
import { credentialCounts, providerView } from './view';

/** Every provider (optionally of one kind, or only enabled ones), by name. */
export function listHandler({ ctx, input }: HandlerOptions<AuthedContext, ListProvidersInput>) {
  const db = ctx.services.hubDb;
  const rows = db
    .select()
    .from(providers)
    .where(
      and(
        input?.kind ? eq(providers.kind, input.kind) : undefined,
        input?.includeDisabled === false ? eq(providers.enabled, true) : undefined,
      ),
    )
    .orderBy(asc(providers.name))
    .all();
  const counts = credentialCounts(db);
  return rows.map((provider) => providerView(provider, counts.get(provider.id) ?? 0));
}
