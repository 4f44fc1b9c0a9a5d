/**
 * Reading the audit trail with filters: one place that turns filters into SQL, used by `auditEvents.list`,
 * `auditEvents.export` and the CLI's `audit export`.
 *
 * Every filter is an equality or a range on an indexed column (each index of `audit_events` ends in `seq`),
 * and pages are keyset pages on `seq`, so a page costs the same at the millionth event as at the first.
 */
import {
  AUDIT_CSV_HEADER,
  toCsvRow,
  toNdjsonLine,
  type AuditEvent,
  type AuditOutcome,
} from '@aigne-hub/core';
import { and, asc, auditEvents, desc, eq, gt, gte, lt, type HubDatabase, type SQL } from '@aigne-hub/db';
import { fromRow } from '../../audit/audit-trail';

export interface AuditFilters {
  actorDid?: string | undefined;
  actionPrefix?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  outcome?: AuditOutcome | undefined;
  /** Inclusive, ISO-8601 UTC as stored (`2025-01-31T12:00:00.000Z`). */
  from?: string | undefined;
  /** Exclusive, same form. */
  to?: string | undefined;
}

/**
 * The smallest string above every string that starts with `prefix`: the prefix with its last character
 * incremented (`apiKeys.` -> `apiKeys/`). Action prefixes are ASCII (the schema allows only action
 * characters), and SQLite compares text byte-wise, so `prefix <= action < prefixEnd(prefix)` is exactly
 * "starts with", and it can use the index on `action`.
 */
export function prefixEnd(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

export function auditWhere(filters: AuditFilters): SQL | undefined {
  const { actorDid, actionPrefix, targetType, targetId, outcome, from, to } = filters;
  return and(
    actorDid === undefined ? undefined : eq(auditEvents.actorDid, actorDid),
    actionPrefix === undefined
      ? undefined
      : and(gte(auditEvents.action, actionPrefix), lt(auditEvents.action, prefixEnd(actionPrefix))),
    targetType === undefined ? undefined : eq(auditEvents.targetType, targetType),
    targetId === undefined ? undefined : eq(auditEvents.targetId, targetId),
    outcome === undefined ? undefined : eq(auditEvents.outcome, outcome),
    // Stored times all have the same fixed-width UTC form, so text order is time order.
    from === undefined ? undefined : gte(auditEvents.ts, from),
    to === undefined ? undefined : lt(auditEvents.ts, to),
  );
}

export interface AuditPage {
  events: AuditEvent[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** One page, newest first; `cursor` is the seq of the last event already seen. */
export function listAuditEvents(
  db: HubDatabase,
  filters: AuditFilters,
  page: { cursor?: number | undefined; limit: number },
): AuditPage {
  const rows = db
    .select()
    .from(auditEvents)
    .where(and(auditWhere(filters), page.cursor === undefined ? undefined : lt(auditEvents.seq, page.cursor)))
    .orderBy(desc(auditEvents.seq))
    .limit(page.limit + 1)
    .all();
  const events = rows.slice(0, page.limit).map(fromRow);
  const last = events.at(-1);
  return { events, nextCursor: rows.length > page.limit && last ? String(last.seq) : null };
}

/**
 * Matching events oldest first (chain order, so an unfiltered export can be verified again), read in batches:
 * memory stays flat, and no statement is held open while the consumer awaits (the CLI waits for stdout).
 */
export function* iterateAuditEvents(
  db: HubDatabase,
  filters: AuditFilters,
  opts: { afterSeq?: number | undefined; batchSize?: number } = {},
): Generator<AuditEvent> {
  const where = auditWhere(filters);
  const batchSize = opts.batchSize ?? 500;
  let after = opts.afterSeq ?? 0;
  for (;;) {
    const rows = db
      .select()
      .from(auditEvents)
      .where(and(where, gt(auditEvents.seq, after)))
      .orderBy(asc(auditEvents.seq))
      .limit(batchSize)
      .all();
    for (const row of rows) yield fromRow(row);
    const last = rows.at(-1);
    if (rows.length < batchSize || last === undefined) return;
    after = last.seq;
  }
}

export type AuditExportFormat = 'ndjson' | 'csv';

/** The text of one exported event in `format` (CSV rows without the header). */
export function exportLine(format: AuditExportFormat, event: AuditEvent): string {
  return format === 'csv' ? toCsvRow(event) : toNdjsonLine(event);
}

/** What starts an export: the CSV header, nothing for NDJSON. */
export function exportHeader(format: AuditExportFormat): string {
  return format === 'csv' ? AUDIT_CSV_HEADER : '';
}

export interface AuditExport {
  content: string;
  count: number;
  /** More events matched than `limit`. */
  truncated: boolean;
  /** With `truncated`: pass back as `cursor` to continue after the last exported event. */
  nextCursor: string | null;
}

/** The export text of at most `limit` matching events, oldest first, after `cursor`. */
export function buildAuditExport(
  db: HubDatabase,
  filters: AuditFilters,
  opts: { format: AuditExportFormat; limit: number; cursor?: number | undefined },
): AuditExport {
  const parts: string[] = [exportHeader(opts.format)];
  let count = 0;
  let lastSeq = 0;
  let truncated = false;
  for (const event of iterateAuditEvents(db, filters, { afterSeq: opts.cursor })) {
    if (count === opts.limit) {
      truncated = true;
      break;
    }
    parts.push(exportLine(opts.format, event));
    count += 1;
    lastSeq = event.seq;
  }
  return { content: parts.join(''), count, truncated, nextCursor: truncated ? String(lastSeq) : null };
}
