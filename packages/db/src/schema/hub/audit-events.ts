import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { isIsoUtc, isJson, oneOf } from '../checks';

export const AUDIT_OUTCOMES = ['success', 'denied', 'error'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * The tamper-evident audit trail. Each row carries the previous row's hash, so `seq` (the position in the
 * chain) is the order that matters, and every filter index ends in `seq` to page through it in that order.
 *
 * The table is append-only: a migration adds triggers that abort any UPDATE or DELETE.
 *
 * `ts` and `details` are text on purpose, not a timestamp or JSON mode: both are part of the hashed
 * canonical form, so they must come back byte for byte as written (a JSON round trip may reformat them).
 */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    /** INTEGER PRIMARY KEY AUTOINCREMENT: never reused, even after old events are pruned. */
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    /** ISO-8601 UTC text, e.g. `2025-01-31T12:00:00.000Z`. */
    ts: text('ts').notNull(),
    /** NULL for anonymous events such as a failed sign-in by an unknown wallet. */
    actorDid: text('actor_did'),
    actorRole: text('actor_role'),
    /** How the actor came in (`session`, `apiKey`, `blocklet`, ...), as the principal recorded it. */
    via: text('via'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    requestId: text('request_id'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    outcome: text('outcome', { enum: AUDIT_OUTCOMES }).notNull(),
    reason: text('reason'),
    /** Redacted details as canonical JSON text, or NULL. */
    details: text('details'),
    /** Hash of the previous event in the chain; NULL only for the very first event. */
    prevHash: text('prev_hash'),
    hash: text('hash').notNull().unique(),
  },
  (t) => [
    index('audit_events_ts_idx').on(t.ts),
    index('audit_events_actor_did_seq_idx').on(t.actorDid, t.seq),
    index('audit_events_action_seq_idx').on(t.action, t.seq),
    index('audit_events_target_seq_idx').on(t.targetType, t.targetId, t.seq),
    index('audit_events_outcome_seq_idx').on(t.outcome, t.seq),
    check('audit_events_outcome_check', oneOf(t.outcome, AUDIT_OUTCOMES)),
    check('audit_events_ts_check', isIsoUtc(t.ts)),
    check('audit_events_details_check', isJson(t.details)),
  ],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
export type NewAuditEvent = typeof auditEvents.$inferInsert;

/** The message the append-only triggers abort with (see the `audit_append_only` migration). */
export const AUDIT_APPEND_ONLY_MESSAGE = 'audit_events is append-only';
