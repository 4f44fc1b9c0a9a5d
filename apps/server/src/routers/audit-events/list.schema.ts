import { z } from 'zod';
import {
  RANGE_MESSAGE,
  auditCursor,
  auditFilterFields,
  pagingDirection,
  rangeInOrder,
} from './filters.schema';

export const AUDIT_LIST_MAX_LIMIT = 200;

export const listAuditEventsInput = z
  .object({
    ...auditFilterFields,
    /** Continue after this event (older ones follow): the `nextCursor` of the previous page. */
    cursor: auditCursor.optional(),
    direction: pagingDirection,
    limit: z.number().int().min(1).max(AUDIT_LIST_MAX_LIMIT).default(50),
  })
  .strict()
  .refine(rangeInOrder, RANGE_MESSAGE)
  .prefault({});

export type ListAuditEventsInput = z.infer<typeof listAuditEventsInput>;
