import { PreconditionFailedError } from '@aigne-hub/core';
import { credentials, eq, type Credential } from '@aigne-hub/db';
import { writeTransaction } from '../../audit/audit-trail';
import { providerSpec } from '../../providers/index';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { findProvider } from '../providers/rules';
import { findCredential } from './find';
import type { UpdateCredentialInput } from './update.schema';
import { maskedValue, storedValueForUpdate } from './value';
import { credentialView } from './view';

/**
 * Changes a credential's name, weight, enabled flag or value. Secret fields given are re-encrypted; omitted
 * ones keep their stored envelope. A new secret also clears an `invalid` status: it has not been refused yet.
 */
export function updateHandler({ ctx, input }: HandlerOptions<AuthedContext, UpdateCredentialInput>) {
  const { services } = ctx;
  const { keyring } = services;
  return writeTransaction(services.hubDb, (tx) => {
    const before = findCredential(tx, input.id);
    const provider = findProvider(tx, before.providerId);
    const type = providerSpec(provider.kind).credentialType;
    if (before.type !== type) {
      throw new PreconditionFailedError(
        `This credential's type (${before.type}) does not match its provider; delete it and create a new one`,
      );
    }
    const patch: Partial<Credential> = {};
    if (input.name !== undefined) patch.name = input.name;
    if (input.weight !== undefined) patch.weight = input.weight;
    if (input.enabled !== undefined) patch.enabled = input.enabled;
    let replacedSecrets: string[] = [];
    let changedFields: string[] = [];
    if (input.value !== undefined) {
      const next = storedValueForUpdate(keyring, before.id, type, before.value, input.value);
      patch.value = next.value;
      replacedSecrets = next.replacedSecrets;
      changedFields = next.changedFields;
      if (replacedSecrets.length > 0 && before.status === 'invalid') {
        Object.assign(patch, { status: 'healthy', statusReason: null, cooldownUntil: null });
      }
    }
    const after = tx.update(credentials).set(patch).where(eq(credentials.id, before.id)).returning().get();
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const field of ['name', 'weight', 'enabled', 'status'] as const) {
      if (before[field] !== after[field]) changes[field] = { from: before[field], to: after[field] };
    }
    if (changedFields.length > 0) {
      changes.value = {
        from: maskedValue(keyring, before.id, before.value).value,
        to: maskedValue(keyring, after.id, after.value).value,
      };
    }
    services.audit.append(tx, actorOf(ctx.principal), ctx.request, {
      action: 'credentials.update',
      outcome: 'success',
      targetType: 'credential',
      targetId: after.id,
      details: {
        providerId: provider.id,
        providerName: provider.name,
        name: after.name,
        changes,
        reencryptedFields: replacedSecrets,
      },
    });
    return credentialView(keyring, after, provider);
  });
}
