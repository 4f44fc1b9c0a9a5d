import { sql } from 'drizzle-orm';
import { check, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { isInteger } from '../checks';
import { updatedAt } from '../columns';

/**
 * The head of the audit chain (the newest event's seq and hash), kept OUTSIDE `audit_events`, in one row, sealed
 * with a MAC under the audit key (core `sealAuditHead`). Removing the newest events leaves a valid shorter chain;
 * this record is what reveals it. The server updates it in the same transaction as every appended event.
 *
 * `mac` is NULL only for the row the `audit_retention` migration seeds from an existing trail (SQL cannot compute
 * the MAC); the next appended event seals it. Triggers (same migration) refuse deleting the row and moving it
 * backwards, so the ordinary paths cannot roll the head back.
 */
export const auditHead = sqliteTable(
  'audit_head',
  {
    /** Always 1: there is one chain, so one head. */
    id: integer('id').primaryKey(),
    /** Seq of the newest event: the number of events ever written, pruned ones included. */
    seq: integer('seq').notNull(),
    /** Hash of the newest event. */
    hash: text('hash').notNull(),
    /** HMAC-SHA256 (hex) of seq and hash under the audit key; NULL until first sealed. */
    mac: text('mac'),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('audit_head_single_row', sql`${sql.identifier(t.id.name)} = 1`),
    check('audit_head_seq_check', isInteger(t.seq, 1)),
  ],
);

export type AuditHeadRow = typeof auditHead.$inferSelect;

/** Why the triggers of the `audit_retention` migration refuse a change to `audit_head`. */
export const AUDIT_HEAD_REMOVE_MESSAGE = 'audit_head cannot be removed';
export const AUDIT_HEAD_BACKWARDS_MESSAGE = 'audit_head only moves forward';
