import { credentials, eq } from '@aigne-hub/db';
import { writeTransaction } from '../../audit/audit-trail';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { findProvider } from '../providers/rules';
import type { CredentialIdInput } from './by-id.schema';
import { findCredential } from './find';
import { maskedValue } from './value';

/** Deletes a credential; the audit event keeps its masked value so the trail says which key went. */
export function deleteHandler({ ctx, input }: HandlerOptions<AuthedContext, CredentialIdInput>) {
  const { services } = ctx;
  return writeTransaction(services.hubDb, (tx) => {
    const credential = findCredential(tx, input.id);
    const provider = findProvider(tx, credential.providerId);
    tx.delete(credentials).where(eq(credentials.id, credential.id)).run();
    services.audit.append(tx, actorOf(ctx.principal), ctx.request, {
      action: 'credentials.delete',
      outcome: 'success',
      targetType: 'credential',
      targetId: credential.id,
      details: {
        providerId: provider.id,
        providerName: provider.name,
        name: credential.name,
        type: credential.type,
        value: maskedValue(services.keyring, credential.id, credential.value).value,
      },
    });
    return { id: credential.id };
  });
}
