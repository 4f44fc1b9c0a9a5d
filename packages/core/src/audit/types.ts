import type { JsonValue } from '../masking/redact';

/** How the actor came in. `cli` and `system` are for events the server raises itself (rotation, retention). */
export const AUDIT_VIAS = ['session', 'apiKey', 'blocklet', 'cli', 'system'] as const;
export type AuditVia = (typeof AUDIT_VIAS)[number];

export const AUDIT_OUTCOMES = ['success', 'denied', 'error'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * The roles an actor has today. Stored and hashed as a plain string (`actorRole: string | null`) so that the
 * trail stays verifiable if roles are renamed or added later; this union only documents today's values and is
 * kept here instead of importing `rbac`, so the audit format does not depend on the role module.
 */
export type AuditActorRole = 'owner' | 'admin' | 'guest';

/** An event's details: a redacted JSON object. */
export type AuditDetails = { [key: string]: JsonValue };

/** The previous event's position and hash: what the next event is chained to. */
export interface AuditChainHead {
  seq: number;
  hash: string;
}

/** Where the chain starts: the first event's `prevHash`. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/**
 * One event of the tamper-evident audit trail. Field names are the contract with the database and exports.
 * Everything except `hash` is covered by `hash` (see `canonicalAuditEvent`).
 */
export interface AuditEvent {
  /** 1-based position in the chain. */
  seq: number;
  /** A UUIDv7: unique, and sorts by creation time. */
  id: string;
  /** ISO-8601 UTC with milliseconds and `Z`: `2025-01-31T12:00:00.000Z`. */
  ts: string;
  actorDid: string | null;
  actorRole: string | null;
  via: AuditVia | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  /** `domain.verb`: `auth.login`, `credentials.create`, `ai.chat`. */
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: AuditOutcome;
  reason: string | null;
  details: AuditDetails | null;
  /** The previous event's `hash`, or `AUDIT_GENESIS_HASH` for the first event. 64 lowercase hex. */
  prevHash: string;
  /** HMAC-SHA256 (hex) under the audit key of `prevHash` + the canonical form. */
  hash: string;
}

/** An event before it is hashed. */
export type UnsignedAuditEvent = Omit<AuditEvent, 'hash'>;
