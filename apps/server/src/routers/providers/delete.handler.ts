import { eq, modelRates, providers } from '@aigne-hub/db';
import { writeTransaction } from '../../audit/audit-trail';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import type { ProviderIdInput } from './by-id.schema';
import { findProvider } from './rules';
import { credentialCounts, providerAuditFields } from './view';

/**
 * Deletes a provider with everything that only makes sense with it: its credentials (foreign key cascade)
 * and its model rates (keyed by its name), in one transaction with the audit event.
 */
export function deleteHandler({ ctx, input }: HandlerOptions<AuthedContext, ProviderIdInput>) {
  const { services } = ctx;
  return writeTransaction(services.hubDb, (tx) => {
    const provider = findProvider(tx, input.id);
    const deletedCredentialCount = credentialCounts(tx, provider.id).get(provider.id) ?? 0;
    const deletedModelRateCount = tx
      .delete(modelRates)
      .where(eq(modelRates.provider, provider.name))
      .run().changes;
    tx.delete(providers).where(eq(providers.id, provider.id)).run();
    services.audit.append(tx, actorOf(ctx.principal), ctx.request, {
      action: 'providers.delete',
      outcome: 'success',
      targetType: 'provider',
      targetId: provider.id,
      details: { ...providerAuditFields(provider), deletedCredentialCount, deletedModelRateCount },
    });
    return { id: provider.id, name: provider.name, deletedCredentialCount, deletedModelRateCount };
  });
}
