import { z } from 'zod';
import { RANGE_MESSAGE, auditCursor, auditFilterFields, rangeInOrder } from './filters.schema';

/** The most events one export answer carries; the answer says when there were more. */
export const AUDIT_EXPORT_MAX_ROWS = 50_000;

export const AUDIT_EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

export const exportAuditEventsInput = z
  .object({
    ...auditFilterFields,
    format: z.enum(AUDIT_EXPORT_FORMATS).default('ndjson'),
    /** Continue after this event (newer ones follow): the `nextCursor` of a truncated export. */
    cursor: auditCursor.optional(),
    limit: z.number().int().min(1).max(AUDIT_EXPORT_MAX_ROWS).default(AUDIT_EXPORT_MAX_ROWS),
  })
  .strict()
  .refine(rangeInOrder, RANGE_MESSAGE)
  .prefault({});

export type ExportAuditEventsInput = z.infer<typeof exportAuditEventsInput>;
