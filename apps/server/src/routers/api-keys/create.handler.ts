import { createApiKey } from '../../auth/api-keys';
import { writeTransaction } from '../../audit/audit-trail';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import type { CreateApiKeyInput } from './create.schema';
import { apiKeyView } from './view';

/** Creates a key for the caller. The secret is in this answer and nowhere else, ever. */
export function createHandler({ ctx, input }: HandlerOptions<AuthedContext, CreateApiKeyInput>) {
  const { principal, services } = ctx;
  const { key, secret } = writeTransaction(services.hubDb, (tx) => {
    const created = createApiKey(tx, principal.did, {
      name: input.name,
      scopes: [...new Set(input.scopes)],
      expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
      allowedModels: input.allowedModels ?? null,
      allowedIps: input.allowedIps ?? null,
      rateLimitPerMinute: input.rateLimitPerMinute ?? null,
    });
    services.audit.append(tx, actorOf(principal), ctx.request, {
      action: 'apiKeys.create',
      outcome: 'success',
      targetType: 'apiKey',
      targetId: created.key.id,
      details: {
        name: created.key.name,
        prefix: created.key.prefix,
        scopes: created.key.scopes,
        expiresAt: created.key.expiresAt?.toISOString() ?? null,
        allowedModels: created.key.allowedModels,
        allowedIps: created.key.allowedIps,
        rateLimitPerMinute: created.key.rateLimitPerMinute,
      },
    });
    return created;
  });
  return { key: apiKeyView(key, services.clock()), secret };
}
