import type { KeyObject } from 'node:crypto';
import { ValidationError } from '../errors';
import { auditKeyObject, chainWithKey, type AuditKey } from './chain';
import { isHash } from './canonical';
import { AUDIT_GENESIS_HASH, type AuditChainHead, type AuditEvent } from './types';

/**
 * Why an event breaks the chain:
 * - `edited`: its content no longer matches its hash (a field, or the hash itself, was changed);
 * - `inserted`: it does not belong to the chain (a duplicate or copy of another event, a forged seq, an
 *   event written without the key in front of the event that really follows);
 * - `deleted`: events are missing before it (its seq jumps ahead);
 * - `reordered`: it is out of order (the event that belongs here comes after it);
 * - `broken_link`: it is authentic and in the right position, yet its `prevHash` is not the previous event's
 *   hash: a fork (two writers chained onto the same event), events from another chain, or a wrong anchor.
 */
export type AuditTamperReason = 'edited' | 'inserted' | 'deleted' | 'reordered' | 'broken_link';

export interface VerifyChainOptions {
  /**
   * A verified checkpoint (`seq` and `hash` of the last event before `events`), e.g. kept by a retention job
   * that removed older events. Without it the chain must start at seq 1 from the genesis hash.
   */
  anchor?: AuditChainHead;
}

export type VerifyChainResult =
  | {
      ok: true;
      /** Events checked. */
      count: number;
      /** The last event's seq and hash (the anchor when there were no events, null without either). */
      head: AuditChainHead | null;
    }
  | {
      ok: false;
      /** 0-based position in `events` of the first bad event. */
      index: number;
      seq: number;
      id: string;
      reason: AuditTamperReason;
      /** For people; carries positions only, never field contents. */
      message: string;
    };

type Finding = { reason: AuditTamperReason; message: string };

/**
 * Verifies events in stored order (by `seq`) and reports the FIRST event that breaks the chain.
 *
 * Accepts any iterable, so a caller can stream rows from the database; only one event of look-ahead is kept,
 * so memory stays flat for any number of events, and the iterator is closed when verification stops early.
 *
 * How each attack shows (E is the event expected next, P the last good one):
 * - an edited field: its HMAC fails while the links around it hold -> `edited`; also when seq or prevHash
 *   was the edited field, as long as the next event still links to this event's stored hash;
 * - a deleted event (also the first): the next event is authentic but its seq jumps -> `deleted`;
 * - a copied event: authentic but its seq is not ahead of P (a duplicate), or the event that really follows P
 *   comes right after it -> `inserted`;
 * - a forged event (no key): in front of the real next event -> `inserted`; with a seq that fits nowhere ->
 *   `inserted`;
 * - two events swapped (rows moved, or their seq values exchanged): the next event is the one that links to P
 *   and this one links to it -> `reordered`; for a far swap of rows, an authentic event whose seq jumps ahead
 *   while the following one goes back -> `reordered`.
 *
 * Limits, by construction: removing the newest events (truncation) leaves a valid shorter chain, so compare
 * `head` with a head recorded elsewhere; and an event appended at the head without the key is indistinguishable
 * from an edit of the newest event, so it is reported as `edited` (the message says both).
 */
export function verifyChain(
  events: Iterable<AuditEvent>,
  auditKey: AuditKey,
  opts: VerifyChainOptions = {},
): VerifyChainResult {
  const key = auditKeyObject(auditKey);
  const anchor = opts.anchor;
  if (anchor !== undefined && !(Number.isSafeInteger(anchor.seq) && anchor.seq >= 0 && isHash(anchor.hash))) {
    throw new ValidationError('The anchor must have a non-negative integer seq and a 64-hex hash');
  }
  let expected: AuditChainHead = anchor ?? { seq: 0, hash: AUDIT_GENESIS_HASH };
  let index = 0;
  const iterator = events[Symbol.iterator]();
  let current = iterator.next();
  try {
    while (current.done !== true) {
      const event = current.value;
      const following = iterator.next();
      const next = following.done === true ? undefined : following.value;
      const finding = check(event, next, expected, key);
      if (finding !== null) {
        return { ok: false, index, seq: event.seq, id: event.id, ...finding };
      }
      expected = { seq: event.seq, hash: event.hash };
      index += 1;
      current = following;
    }
  } finally {
    // Stopping early must close the source, as `for...of` would: a database cursor (better-sqlite3's
    // `iterate()`) keeps its connection busy until it is closed.
    if (current.done !== true) {
      iterator.return?.();
    }
  }
  return { ok: true, count: index, head: index > 0 || anchor !== undefined ? expected : null };
}

function check(
  event: AuditEvent,
  next: AuditEvent | undefined,
  expected: AuditChainHead,
  key: KeyObject,
): Finding | null {
  const authentic = hasValidHash(event, key);
  const seqFits = event.seq === expected.seq + 1;
  const linked = event.prevHash === expected.hash;
  if (authentic && seqFits && linked) {
    return null;
  }
  const at = `seq ${String(event.seq)}`;
  // The event that belongs after `expected` comes next...
  const rightfulNext = next !== undefined && next.prevHash === expected.hash;
  if (rightfulNext && !linked && event.prevHash === next.hash) {
    // ...and this one belongs right after it: the two are swapped.
    return {
      reason: 'reordered',
      message: `Event at ${at} is out of order: it belongs after the next event`,
    };
  }
  if (rightfulNext && next.seq === expected.seq + 1) {
    return {
      reason: 'inserted',
      message: `Event at ${at} does not belong to the chain: the event after seq ${expected.seq} follows it`,
    };
  }
  if (authentic) {
    return authenticButMisplaced(event, next, expected, at);
  }
  if ((next !== undefined && next.prevHash === event.hash) || seqFits) {
    return {
      reason: 'edited',
      message: `Event at ${at} does not match its hash: it was changed after it was written (or forged without the audit key)`,
    };
  }
  return {
    reason: 'inserted',
    message: `Event at ${at} does not belong to the chain: its hash is not valid and its seq does not fit (expected ${expected.seq + 1})`,
  };
}

/** An event written with the key, in the wrong place. */
function authenticButMisplaced(
  event: AuditEvent,
  next: AuditEvent | undefined,
  expected: AuditChainHead,
  at: string,
): Finding {
  if (event.seq <= expected.seq) {
    // Everything up to `expected` verified as one unbroken chain, so this seq is already taken.
    return {
      reason: 'inserted',
      message: `Event at ${at} repeats a position already in the chain (expected seq ${expected.seq + 1})`,
    };
  }
  if (event.seq > expected.seq + 1) {
    if (next !== undefined && next.seq < event.seq) {
      return {
        reason: 'reordered',
        message: `Event at ${at} is out of order: expected seq ${expected.seq + 1}, and a lower seq follows`,
      };
    }
    const missing = event.seq - expected.seq - 1;
    return {
      reason: 'deleted',
      message: `${missing} event${missing === 1 ? ' is' : 's are'} missing before ${at} (expected seq ${expected.seq + 1})`,
    };
  }
  return {
    reason: 'broken_link',
    message: `Event at ${at} is authentic but does not link to the event before it`,
  };
}

function hasValidHash(event: AuditEvent, key: KeyObject): boolean {
  try {
    // A plain comparison on purpose: the hash is stored beside the event and is no secret, and a timing
    // difference tells an attacker nothing the stored hash does not (there is no oracle to probe offline).
    return chainWithKey(event.prevHash, event, key) === event.hash;
  } catch {
    // Not even hashable (a field of the wrong type, a malformed ts): its content was changed.
    return false;
  }
}
