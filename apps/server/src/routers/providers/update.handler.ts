import { ConflictError } from '@aigne-hub/core';
import { count, eq, modelRates, providers, type Provider } from '@aigne-hub/db';
import { writeTransaction } from '../../audit/audit-trail';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { assertNameFree, checkEndpoint, findProvider } from './rules';
import type { UpdateProviderInput } from './update.schema';
import { credentialCounts, providerView } from './view';

type Change = { from: unknown; to: unknown };

/**
 * Changes a provider's name, display name, base URL or region. A rename is allowed and carries the
 * provider's model rates along (they are keyed by name) in the same transaction, so pricing never points at
 * a name that no longer exists. It does not rewrite API keys' `allowedModels` or past usage records: those
 * keep the old name, which then matches nothing.
 */
export function updateHandler({ ctx, input }: HandlerOptions<AuthedContext, UpdateProviderInput>) {
  const { services } = ctx;
  const { provider, count: credentialCount } = writeTransaction(services.hubDb, (tx) => {
    const before = findProvider(tx, input.id);
    const next: Pick<Provider, 'name' | 'displayName' | 'baseUrl' | 'region'> = {
      name: input.name ?? before.name,
      displayName: input.displayName ?? before.displayName,
      baseUrl: input.baseUrl === undefined ? before.baseUrl : input.baseUrl,
      region: input.region ?? before.region,
    };
    checkEndpoint(before.kind, next);
    const renamed = next.name !== before.name;
    let movedModelRates = 0;
    if (renamed) {
      assertNameFree(tx, next.name);
      const waiting = tx
        .select({ n: count() })
        .from(modelRates)
        .where(eq(modelRates.provider, next.name))
        .get();
      if ((waiting?.n ?? 0) > 0) {
        throw new ConflictError(`Model rates for "${next.name}" already exist; delete them before renaming`);
      }
      movedModelRates = tx
        .update(modelRates)
        .set({ provider: next.name })
        .where(eq(modelRates.provider, before.name))
        .run().changes;
    }
    const after = tx.update(providers).set(next).where(eq(providers.id, before.id)).returning().get();
    const changes: Record<string, Change> = {};
    for (const field of ['name', 'displayName', 'baseUrl', 'region'] as const) {
      if (before[field] !== after[field]) changes[field] = { from: before[field], to: after[field] };
    }
    services.audit.append(tx, actorOf(ctx.principal), ctx.request, {
      action: 'providers.update',
      outcome: 'success',
      targetType: 'provider',
      targetId: after.id,
      details: { name: after.name, kind: after.kind, changes, ...(renamed && { movedModelRates }) },
    });
    return { provider: after, count: credentialCounts(tx, after.id).get(after.id) ?? 0 };
  });
  return providerView(provider, credentialCount);
}
