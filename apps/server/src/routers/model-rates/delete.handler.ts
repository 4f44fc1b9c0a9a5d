import { NotFoundError } from '@aigne-hub/core';
import { eq, modelRates } from '@aigne-hub/db';
import { writeTransaction } from '../../audit/audit-trail';
import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import type { ModelRateIdInput } from './by-id.schema';
import { rateFields } from './view';

/** Removes a rate. With billing on, the model can then no longer be used (no rate, no charge). */
export function deleteHandler({ ctx, input }: HandlerOptions<AuthedContext, ModelRateIdInput>) {
  const { services } = ctx;
  return writeTransaction(services.hubDb, (tx) => {
    const rate = tx.select().from(modelRates).where(eq(modelRates.id, input.id)).get();
    if (!rate) throw new NotFoundError('No such model rate');
    tx.delete(modelRates).where(eq(modelRates.id, rate.id)).run();
    services.audit.append(tx, actorOf(ctx.principal), ctx.request, {
      action: 'modelRates.delete',
      outcome: 'success',
      targetType: 'modelRate',
      targetId: rate.id,
      details: { provider: rate.provider, model: rate.model, type: rate.type, ...rateFields(rate) },
    });
    return { id: rate.id };
  });
}
