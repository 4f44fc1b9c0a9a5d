import { PreconditionFailedError } from '@aigne-hub/core';
import { rotateApiKey } from '../../auth/api-keys';
import { writeTransaction } from '../../audit/audit-trail';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import type { RotateApiKeyInput } from './by-id.schema';
import { findActionableKey } from './find';
import { apiKeyView } from './view';

/**
 * Issues a new secret for one of the caller's own keys (never someone else's: the new secret would let an admin
 * act as that user). The old secret keeps working for `graceSeconds`.
 */
export function rotateHandler({ ctx, input }: HandlerOptions<AuthedContext, RotateApiKeyInput>) {
  const { principal, services } = ctx;
  const now = services.clock();
  const { key, secret } = writeTransaction(services.hubDb, (tx) => {
    const found = findActionableKey(tx, principal, input.id, false);
    if (found.revokedAt) throw new PreconditionFailedError('A revoked key cannot be rotated');
    const rotated = rotateApiKey(tx, found, input.graceSeconds, now);
    services.audit.append(tx, actorOf(principal), ctx.request, {
      action: 'apiKeys.rotate',
      outcome: 'success',
      targetType: 'apiKey',
      targetId: found.id,
      details: { oldPrefix: found.prefix, newPrefix: rotated.key.prefix, graceSeconds: input.graceSeconds },
    });
    return rotated;
  });
  return { key: apiKeyView(key, now), secret };
}
