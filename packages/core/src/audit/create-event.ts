import { ValidationError } from '../errors';
import { redact } from '../masking/redact';
import { redactText } from '../masking/redact-text';
import { auditKeyObject, chainWithKey, type AuditKey } from './chain';
import { canonicalJson, isHash, isIsoUtcMillis } from './canonical';
import {
  AUDIT_GENESIS_HASH,
  AUDIT_OUTCOMES,
  AUDIT_VIAS,
  type AuditChainHead,
  type AuditDetails,
  type AuditEvent,
  type AuditOutcome,
  type AuditVia,
  type UnsignedAuditEvent,
} from './types';
import { uuidv7 } from './uuidv7';

/** What a caller knows about an event; the builder fills in `seq`, `id`, `ts`, `prevHash` and `hash`. */
export interface AuditEventInput {
  action: string;
  outcome: AuditOutcome;
  actorDid?: string | null;
  actorRole?: string | null;
  via?: AuditVia | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  reason?: string | null;
  /** Anything JSON-like; always redacted (see `redact`) before it is stored. */
  details?: Record<string, unknown> | null;
}

export interface CreateAuditEventOptions {
  /** The event's time; defaults to the current time. */
  now?: Date;
  /** The event's id; defaults to a fresh UUIDv7 of `now`. */
  id?: string;
}

/** `domain.verb`, each part starting with a letter: `auth.login`, `apiKeys.revoke`, `ai.chat.stream`. */
const ACTION = /^[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z][A-Za-z0-9_-]*)+$/;
const MAX_ACTION_LENGTH = 100;

/** Clients choose their User-Agent; a few hundred characters identify any real client. */
const MAX_USER_AGENT_LENGTH = 512;
const MAX_REASON_LENGTH = 1000;

/**
 * Builds the next event of the chain: `seq` and `prevHash` from `previous` (null for the very first event),
 * `ts` from `opts.now` (UTC, milliseconds), `id` a UUIDv7 of that time, and `hash` = `chain(...)`.
 *
 * `details` and `reason` ALWAYS go through the redactor here, whatever the caller did before, so no code path
 * can write a secret into the trail: details become plain JSON with secrets masked (`redact`), the reason is
 * scrubbed with `redactText` and cut to 1000 characters. `userAgent` is cut to 512 characters because a client
 * controls it and every AI request is audited.
 *
 * Throws `ValidationError` for a malformed action, an unknown outcome or `via`, a bad `previous`, or a time
 * that has no ISO-8601 UTC form; `ConfigError` for a short audit key.
 */
export function createAuditEvent(
  input: AuditEventInput,
  previous: AuditChainHead | null,
  auditKey: AuditKey,
  opts: CreateAuditEventOptions = {},
): AuditEvent {
  const key = auditKeyObject(auditKey);
  const link = nextLink(previous);
  const now = opts.now ?? new Date();
  const ts = Number.isNaN(now.getTime()) ? '' : now.toISOString();
  if (!isIsoUtcMillis(ts)) {
    throw new ValidationError('Audit event time must be a valid date between years 0 and 9999');
  }
  const id = opts.id ?? uuidv7(now.getTime());
  if (id.length === 0) {
    throw new ValidationError('Audit event id must not be empty');
  }
  const unsigned: UnsignedAuditEvent = {
    seq: link.seq,
    id,
    ts,
    actorDid: wellFormed(input.actorDid ?? null),
    actorRole: wellFormed(input.actorRole ?? null),
    via: checkedVia(input.via ?? null),
    ip: wellFormed(input.ip ?? null),
    userAgent: input.userAgent == null ? null : wellFormed(cut(input.userAgent, MAX_USER_AGENT_LENGTH)),
    requestId: wellFormed(input.requestId ?? null),
    action: checkedAction(input.action),
    targetType: wellFormed(input.targetType ?? null),
    targetId: wellFormed(input.targetId ?? null),
    outcome: checkedOutcome(input.outcome),
    reason: wellFormed(redactReason(input.reason ?? null)),
    details: redactDetails(input.details ?? null),
    prevHash: link.prevHash,
  };
  return { ...unsigned, hash: chainWithKey(unsigned.prevHash, unsigned, key) };
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The text with each lone surrogate replaced by U+FFFD. Such text cannot be stored as UTF-8 (SQLite writes
 * U+FFFD in its place), so an event hashed over it would never verify once stored. Details need nothing: they
 * are stored as JSON, which writes a lone surrogate as an escape and reads it back the same.
 */
function wellFormed(text: string | null): string | null {
  return text === null ? null : text.replace(LONE_SURROGATE, '\ufffd');
}

function nextLink(previous: AuditChainHead | null): { seq: number; prevHash: string } {
  if (previous === null) {
    return { seq: 1, prevHash: AUDIT_GENESIS_HASH };
  }
  if (!Number.isSafeInteger(previous.seq) || previous.seq < 1) {
    throw new ValidationError('The previous audit event seq must be a positive integer');
  }
  if (!isHash(previous.hash)) {
    throw new ValidationError('The previous audit event hash must be 64 lowercase hex characters');
  }
  return { seq: previous.seq + 1, prevHash: previous.hash };
}

function checkedAction(action: string): string {
  if (typeof action !== 'string' || action.length > MAX_ACTION_LENGTH || !ACTION.test(action)) {
    throw new ValidationError('Audit action must look like domain.verb (letters, digits, _ and -)');
  }
  return action;
}

function checkedOutcome(outcome: AuditOutcome): AuditOutcome {
  if (!(AUDIT_OUTCOMES as readonly unknown[]).includes(outcome)) {
    throw new ValidationError(`Audit outcome must be one of: ${AUDIT_OUTCOMES.join(', ')}`);
  }
  return outcome;
}

function checkedVia(via: AuditVia | null): AuditVia | null {
  if (via !== null && !(AUDIT_VIAS as readonly unknown[]).includes(via)) {
    throw new ValidationError(`Audit via must be null or one of: ${AUDIT_VIAS.join(', ')}`);
  }
  return via;
}

/** Scrubbed before it is cut, so a cut cannot leave a key's head too short to be recognised. */
function redactReason(reason: string | null): string | null {
  return reason === null ? null : cut(redactText(reason), MAX_REASON_LENGTH);
}

function redactDetails(details: Record<string, unknown> | null): AuditDetails | null {
  if (details === null) {
    return null;
  }
  const redacted = redact(details);
  // A Date, an array or anything else that is not a JSON object is kept under one key.
  const object =
    typeof redacted === 'object' && redacted !== null && !Array.isArray(redacted)
      ? redacted
      : { value: redacted };
  // Rebuilt from its canonical text, so the event holds details exactly as they come back from storage (keys
  // sorted), and verification can take the canonical fast path.
  return JSON.parse(canonicalJson(object)) as AuditDetails;
}

/** At most `max` UTF-16 units, never splitting a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) {
    return text;
  }
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}
