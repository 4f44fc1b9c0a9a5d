import { and, asc, eq, modelRates } from '@aigne-hub/db';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import type { ListModelRatesInput } from './list.schema';
import { modelRateView } from './view';

/**
 * The price list, for anyone signed in (users see what a model costs before they use it). Disabled and
 * deprecated rates are included, with their flags, unless filtered out.
 */
export function listHandler({ ctx, input }: HandlerOptions<AuthedContext, ListModelRatesInput>) {
  return ctx.services.hubDb
    .select()
    .from(modelRates)
    .where(
      and(
        input?.provider ? eq(modelRates.provider, input.provider) : undefined,
        input?.type ? eq(modelRates.type, input.type) : undefined,
        input?.enabled === undefined ? undefined : eq(modelRates.enabled, input.enabled),
      ),
    )
    .orderBy(asc(modelRates.provider), asc(modelRates.model), asc(modelRates.type))
    .all()
    .map(modelRateView);
}
