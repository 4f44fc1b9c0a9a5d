import { randomUUID } from 'node:crypto';
import { providers } from '@aigne-hub/db';
import { writeTransaction } from '../../audit/audit-trail';
import { providerSpec } from '../../providers/index';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import type { CreateProviderInput } from './create.schema';
import { assertNameFree, checkEndpoint } from './rules';
import { providerAuditFields, providerView } from './view';

/** Adds a provider (without credentials: those are added through `credentials.create`). */
export function createHandler({ ctx, input }: HandlerOptions<AuthedContext, CreateProviderInput>) {
  const { services } = ctx;
  const endpoint = { baseUrl: input.baseUrl ?? null, region: input.region ?? null };
  checkEndpoint(input.kind, endpoint);
  const provider = writeTransaction(services.hubDb, (tx) => {
    assertNameFree(tx, input.name);
    const created = tx
      .insert(providers)
      .values({
        id: randomUUID(),
        kind: input.kind,
        name: input.name,
        displayName: input.displayName ?? providerSpec(input.kind).label,
        ...endpoint,
        enabled: input.enabled,
      })
      .returning()
      .get();
    services.audit.append(tx, actorOf(ctx.principal), ctx.request, {
      action: 'providers.create',
      outcome: 'success',
      targetType: 'provider',
      targetId: created.id,
      details: providerAuditFields(created),
    });
    return created;
  });
  return providerView(provider, 0);
}
