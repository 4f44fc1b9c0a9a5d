import { credentials, eq } from '@aigne-hub/db';
import { writeTransaction } from '../../audit/audit-trail';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { findProvider } from '../providers/rules';
import type { SetCredentialEnabledInput } from './set-enabled.schema';
import { findCredential } from './find';
import { credentialView } from './view';

/** Turns a credential on or off; the gateway never picks a disabled one. */
export function setEnabledHandler({ ctx, input }: HandlerOptions<AuthedContext, SetCredentialEnabledInput>) {
  const { services } = ctx;
  return writeTransaction(services.hubDb, (tx) => {
    const before = findCredential(tx, input.id);
    const provider = findProvider(tx, before.providerId);
    const after = tx
      .update(credentials)
      .set({ enabled: input.enabled })
      .where(eq(credentials.id, before.id))
      .returning()
      .get();
    services.audit.append(tx, actorOf(ctx.principal), ctx.request, {
      action: 'credentials.setEnabled',
      outcome: 'success',
      targetType: 'credential',
      targetId: after.id,
      details: {
        providerId: provider.id,
        providerName: provider.name,
        name: after.name,
        enabled: { from: before.enabled, to: after.enabled },
      },
    });
    return credentialView(services.keyring, after, provider);
  });
}
