import { randomUUID } from 'node:crypto';
import { credentials } from '@aigne-hub/db';
import { writeTransaction } from '../../audit/audit-trail';
import { providerSpec } from '../../providers/index';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { findProvider } from '../providers/rules';
import type { CreateCredentialInput } from './create.schema';
import { storedValueForCreate } from './value';
import { credentialView } from './view';

/**
 * Stores a new key for a provider, its secret fields encrypted and bound to the new row's id. The answer and
 * the audit event show the value masked only.
 */
export function createHandler({ ctx, input }: HandlerOptions<AuthedContext, CreateCredentialInput>) {
  const { services } = ctx;
  return writeTransaction(services.hubDb, (tx) => {
    const provider = findProvider(tx, input.providerId);
    const type = providerSpec(provider.kind).credentialType;
    const id = randomUUID();
    const created = tx
      .insert(credentials)
      .values({
        id,
        providerId: provider.id,
        name: input.name,
        type,
        value: storedValueForCreate(services.keyring, id, type, input.value),
        weight: input.weight,
        enabled: input.enabled,
      })
      .returning()
      .get();
    const view = credentialView(services.keyring, created, provider);
    services.audit.append(tx, actorOf(ctx.principal), ctx.request, {
      action: 'credentials.create',
      outcome: 'success',
      targetType: 'credential',
      targetId: id,
      details: {
        providerId: provider.id,
        providerName: provider.name,
        name: view.name,
        type,
        value: view.value,
        weight: view.weight,
        enabled: view.enabled,
      },
    });
    return view;
  });
}
