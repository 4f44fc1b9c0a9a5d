import { randomUUID } from 'node:crypto';
import { NotFoundError } from '@aigne-hub/core';
import { and, eq, modelRates } from '@aigne-hub/db';
import { writeTransaction } from '../../audit/audit-trail';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { findProviderByName } from '../providers/rules';
import type { UpsertModelRateInput } from './upsert.schema';
import { modelRateView, rateFields } from './view';

/** Creates or changes the rate of (provider, model, type); the provider must exist. */
export function upsertHandler({ ctx, input }: HandlerOptions<AuthedContext, UpsertModelRateInput>) {
  const { services } = ctx;
  return writeTransaction(services.hubDb, (tx) => {
    if (!findProviderByName(tx, input.provider)) {
      throw new NotFoundError(`No provider named "${input.provider}"`);
    }
    const before = tx
      .select()
      .from(modelRates)
      .where(
        and(
          eq(modelRates.provider, input.provider),
          eq(modelRates.model, input.model),
          eq(modelRates.type, input.type),
        ),
      )
      .get();
    const fields = {
      inputRate: input.inputRate,
      outputRate: input.outputRate,
      cacheReadRate:
        input.cacheReadRate === undefined ? (before?.cacheReadRate ?? null) : input.cacheReadRate,
      cacheWriteRate:
        input.cacheWriteRate === undefined ? (before?.cacheWriteRate ?? null) : input.cacheWriteRate,
      enabled: input.enabled ?? before?.enabled ?? true,
      deprecated: input.deprecated ?? before?.deprecated ?? false,
    };
    const after = before
      ? tx.update(modelRates).set(fields).where(eq(modelRates.id, before.id)).returning().get()
      : tx
          .insert(modelRates)
          .values({
            id: randomUUID(),
            provider: input.provider,
            model: input.model,
            type: input.type,
            ...fields,
          })
          .returning()
          .get();
    services.audit.append(tx, actorOf(ctx.principal), ctx.request, {
      action: 'modelRates.upsert',
      outcome: 'success',
      targetType: 'modelRate',
      targetId: after.id,
      details: {
        provider: after.provider,
        model: after.model,
        type: after.type,
        created: before === undefined,
        before: before ? rateFields(before) : null,
        after: rateFields(after),
      },
    });
    return { created: before === undefined, rate: modelRateView(after) };
  });
}
