import { actorOf } from '../../trpc/procedures';
import type { AuthedContext, HandlerOptions } from '../../trpc/types';
import { AUDIT_EXPORT_MAX_ROWS, type AuditExportFormat, type ExportAuditEventsInput } from './export.schema';
import { buildAuditExport } from './query';

const CONTENT_TYPES: Record<AuditExportFormat, string> = {
  ndjson: 'application/x-ndjson',
  csv: 'text/csv; charset=utf-8',
};

export interface AuditExportAnswer {
  format: AuditExportFormat;
  contentType: string;
  /** A suggested file name, e.g. `audit-events-20250131T120000Z.csv`. */
  fileName: string;
  /** NDJSON lines, or CSV with its header row. */
  content: string;
  count: number;
  truncated: boolean;
  /** With `truncated`: pass as `cursor` to export the events after the last one included. */
  nextCursor: string | null;
  /** Says in words what `truncated` says, for a person. Null when everything matching is included. */
  notice: string | null;
}

/**
 * The matching events as NDJSON or CSV, oldest first, at most `limit` (50,000) of them. Exporting is itself
 * audited (`auditEvents.export`, with the filters and the count), after the read, so the export does not
 * contain its own event.
 */
export function exportHandler({
  ctx,
  input,
}: HandlerOptions<AuthedContext, ExportAuditEventsInput>): AuditExportAnswer {
  const { format, cursor, limit, ...filters } = input;
  const { services } = ctx;
  const result = buildAuditExport(services.hubDb, filters, { format, limit, cursor });
  services.audit.record(actorOf(ctx.principal), ctx.request, {
    action: 'auditEvents.export',
    outcome: 'success',
    targetType: 'auditEvents',
    details: {
      format,
      filters: { ...filters },
      ...(cursor !== undefined && { cursor }),
      count: result.count,
      truncated: result.truncated,
    },
  });
  const stamp = services.clock().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  return {
    format,
    contentType: CONTENT_TYPES[format],
    fileName: `audit-events-${stamp}.${format}`,
    content: result.content,
    count: result.count,
    truncated: result.truncated,
    nextCursor: result.nextCursor,
    notice: result.truncated
      ? `Only the first ${result.count} matching events are included (at most ${AUDIT_EXPORT_MAX_ROWS} per export); export again with cursor ${result.nextCursor} for the rest.`
      : null,
  };
}
