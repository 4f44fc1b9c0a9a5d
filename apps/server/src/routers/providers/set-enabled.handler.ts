import { eq, providers } from '@aigne-hub/db';
import { writeTransaction } from '../../audit/audit-trail';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { findProvider } from './rules';
import type { SetProviderEnabledInput } from './set-enabled.schema';
import { credentialCounts, providerView } from './view';

/** Turns a provider on or off; the gateway refuses models of a disabled provider. */
export function setEnabledHandler({ ctx, input }: HandlerOptions<AuthedContext, SetProviderEnabledInput>) {
  const { services } = ctx;
  const { provider, n } = writeTransaction(services.hubDb, (tx) => {
    const before = findProvider(tx, input.id);
    const after = tx
      .update(providers)
      .set({ enabled: input.enabled })
      .where(eq(providers.id, before.id))
      .returning()
      .get();
    services.audit.append(tx, actorOf(ctx.principal), ctx.request, {
      action: 'providers.setEnabled',
      outcome: 'success',
      targetType: 'provider',
      targetId: after.id,
      details: { name: after.name, enabled: { from: before.enabled, to: after.enabled } },
    });
    return { provider: after, n: credentialCounts(tx, after.id).get(after.id) ?? 0 };
  });
  return providerView(provider, n);
}
