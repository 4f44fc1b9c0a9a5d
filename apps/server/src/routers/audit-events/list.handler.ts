import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import type { ListAuditEventsInput } from './list.schema';
import { listAuditEvents, type AuditPage } from './query';

/** A page of the audit trail, newest first, filtered; `nextCursor` continues with older events. */
export function listHandler({ ctx, input }: HandlerOptions<AuthedContext, ListAuditEventsInput>): AuditPage {
  const { cursor, limit, ...filters } = input;
  return listAuditEvents(ctx.services.hubDb, filters, { cursor, limit });
}
