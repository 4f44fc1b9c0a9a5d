import type { KeyObject } from 'node:crypto';
import { ValidationError } from '../errors';
import { auditKeyObject, chainWithKey, type AuditKey } from './chain';
import { isHash } from './canonical';
import { readCheckpoint, type AuditCheckpoint } from './checkpoint';
import { isSealedHead, type AuditHeadRecord } from './head';
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
 *
 * With checkpoint-aware verification (`checkpoint` given):
 * - `missing_checkpoint`: the chain starts after seq 1 and no authentic checkpoint accounts for the events
 *   before it (they were removed other than by retention), or the checkpoint is not part of the chain.
 *
 * With the head recorded outside the trail (`head` given):
 * - `truncated`: the chain ends before the recorded head: the newest events were removed;
 * - `head_missing`: the trail has events but no head is recorded (the record was removed);
 * - `head_invalid`: the record's seal does not verify (written or changed without the audit key);
 * - `head_mismatch`: the record is not the end of this chain (set back to an older head, or another event now
 *   stands at its position).
 */
export type AuditTamperReason =
  | 'edited'
  | 'inserted'
  | 'deleted'
  | 'reordered'
  | 'broken_link'
  | 'missing_checkpoint'
  | 'truncated'
  | 'head_missing'
  | 'head_invalid'
  | 'head_mismatch';

export interface VerifyChainOptions {
  /**
   * A verified checkpoint (`seq` and `hash` of the last event before `events`), e.g. kept by a retention job
   * that removed older events. Without it the chain must start at seq 1 from the genesis hash.
   */
  anchor?: AuditChainHead;
  /**
   * Checkpoint-aware verification, as the hub does it: the newest `audit.checkpoint` event of the trail, or null
   * when it has none. A chain that starts after seq 1 must then start right after the events this checkpoint
   * says were pruned, and the checkpoint must be an authentic part of the chain. Left undefined, a chain that
   * starts after seq 1 is reported as `deleted` (unless `anchor` is given).
   */
  checkpoint?: AuditEvent | null;
  /**
   * The head recorded outside the trail (null when none is). The chain must end exactly there. Left undefined,
   * the end of the chain is not checked (and removing the newest events cannot be detected).
   */
  head?: AuditHeadRecord | null;
}

/** A checkpoint the chain was verified from: what it says was pruned, and the checkpoint event's seq and hash. */
export type UsedCheckpoint = AuditCheckpoint & { seq: number; hash: string };

export type VerifyChainResult =
  | {
      ok: true;
      /** Events checked. */
      count: number;
      /** The last event's seq and hash (the anchor when there were no events, null without either). */
      head: AuditChainHead | null;
      /** With `checkpoint` given: the checkpoint the chain starts from, or null when it starts at seq 1. */
      checkpoint?: UsedCheckpoint | null;
      /**
       * With `head` given: `sealed` when the recorded head matched and its seal verified; `unsealed` when it
       * matched but was written by the upgrade and not sealed yet; `none` for an empty trail without a record.
       */
      headRecord?: 'sealed' | 'unsealed' | 'none';
    }
  | {
      ok: false;
      /** 0-based position in `events` of the first bad event (the number of events for `truncated`). */
      index: number;
      seq: number;
      /** The bad event's id; null when the finding is about an event that is not there (`truncated`). */
      id: string | null;
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
 * Limits, by construction: removing the newest events (truncation) leaves a valid shorter chain, which only a
 * head recorded elsewhere reveals (`opts.head`; the hub keeps one, sealed with the audit key); and an event
 * appended at the head without the key is indistinguishable from an edit of the newest event, so it is reported
 * as `edited` (the message says both).
 *
 * Order of the findings: a break inside the chain first, then a missing checkpoint, then the recorded head.
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
  const iterator = events[Symbol.iterator]();
  let current = iterator.next();
  try {
    const first = current.done === true ? undefined : current.value;
    const start = startOf(first, opts, key);
    if ('reason' in start) {
      // `start` only fails when there is a first event.
      return { ok: false, index: 0, seq: first?.seq ?? 0, id: first?.id ?? null, ...start };
    }
    let expected = start.anchor;
    let index = 0;
    let lastId: string | null = null;
    let checkpointSeen = false;
    const watch = new HeadWatch(opts.head ?? null);
    while (current.done !== true) {
      const event = current.value;
      const following = iterator.next();
      const next = following.done === true ? undefined : following.value;
      const finding = check(event, next, expected, key);
      if (finding !== null) {
        return { ok: false, index, seq: event.seq, id: event.id, ...finding };
      }
      if (start.checkpoint !== null && event.seq === start.checkpoint.seq) {
        checkpointSeen = event.hash === start.checkpoint.hash;
      }
      watch.see(event);
      expected = { seq: event.seq, hash: event.hash };
      lastId = event.id;
      index += 1;
      current = following;
    }
    if (start.checkpoint !== null && !checkpointSeen && first !== undefined) {
      return {
        ok: false,
        index: 0,
        seq: first.seq,
        id: first.id,
        reason: 'missing_checkpoint',
        message: `The checkpoint at seq ${start.checkpoint.seq} that accounts for the events before seq ${first.seq} is not part of the chain`,
      };
    }
    const result = {
      ok: true as const,
      count: index,
      head: index > 0 || start.anchored ? expected : null,
      ...(opts.checkpoint !== undefined && { checkpoint: start.checkpoint }),
    };
    if (opts.head === undefined) {
      return result;
    }
    const headCheck = watch.judge({ end: expected, lastId, count: index }, key);
    if ('reason' in headCheck) {
      return { ok: false, ...headCheck };
    }
    return { ...result, headRecord: headCheck.headRecord };
  } finally {
    // Stopping early must close the source, as `for...of` would: a database cursor (better-sqlite3's
    // `iterate()`) keeps its connection busy until it is closed.
    if (current.done !== true) {
      iterator.return?.();
    }
  }
}

/**
 * Where the chain must start: from `anchor`, from the genesis hash, or, when checkpoint-aware and the first
 * event is past seq 1, right after the events the checkpoint says were pruned.
 */
function startOf(
  first: AuditEvent | undefined,
  opts: VerifyChainOptions,
  key: KeyObject,
): { anchor: AuditChainHead; anchored: boolean; checkpoint: UsedCheckpoint | null } | Finding {
  if (opts.anchor !== undefined) {
    return { anchor: opts.anchor, anchored: true, checkpoint: null };
  }
  const genesis = { anchor: { seq: 0, hash: AUDIT_GENESIS_HASH }, anchored: false, checkpoint: null };
  if (opts.checkpoint === undefined || first === undefined || first.seq <= 1) {
    return genesis;
  }
  const missing = first.seq - 1;
  const removed = `the ${missing} event${missing === 1 ? '' : 's'} before seq ${first.seq}`;
  const event = opts.checkpoint;
  if (event === null) {
    return {
      reason: 'missing_checkpoint',
      message: `The trail starts at seq ${first.seq}: ${removed} ${missing === 1 ? 'was' : 'were'} removed without a checkpoint`,
    };
  }
  const checkpoint = readCheckpoint(event);
  if (checkpoint === null || !hasValidHash(event, key)) {
    return {
      reason: 'missing_checkpoint',
      message: `The trail starts at seq ${first.seq}, and the checkpoint at seq ${event.seq} that would account for ${removed} is ${checkpoint === null ? 'malformed' : 'not authentic'}`,
    };
  }
  if (checkpoint.toSeq < missing) {
    const gap = missing - checkpoint.toSeq;
    return {
      reason: 'deleted',
      message: `${gap} event${gap === 1 ? ' is' : 's are'} missing before seq ${first.seq}: the newest checkpoint (seq ${event.seq}) accounts only for events through seq ${checkpoint.toSeq}`,
    };
  }
  if (checkpoint.toSeq > missing) {
    return {
      reason: 'inserted',
      message: `Event at seq ${first.seq} was pruned according to the newest checkpoint (seq ${event.seq}, through seq ${checkpoint.toSeq}), yet it is in the trail`,
    };
  }
  return {
    anchor: { seq: checkpoint.toSeq, hash: checkpoint.prefixHash },
    anchored: true,
    checkpoint: { ...checkpoint, seq: event.seq, hash: event.hash },
  };
}

/** Compares the end of the chain with the head recorded outside it, remembering what stands at its position. */
class HeadWatch {
  #atHead: AuditEvent | undefined;
  #afterHead: AuditEvent | undefined;

  constructor(private readonly record: AuditHeadRecord | null) {}

  see(event: AuditEvent): void {
    if (this.record === null) return;
    if (event.seq === this.record.seq) this.#atHead = event;
    if (event.seq === this.record.seq + 1) this.#afterHead = event;
  }

  judge(
    chain: { end: AuditChainHead; lastId: string | null; count: number },
    key: KeyObject,
  ):
    | { headRecord: 'sealed' | 'unsealed' | 'none' }
    | (Finding & { index: number; seq: number; id: string | null }) {
    const { end, lastId, count } = chain;
    const record = this.record;
    const atLast = { index: Math.max(0, count - 1), seq: end.seq, id: lastId };
    if (record === null) {
      if (count === 0) return { headRecord: 'none' };
      return {
        ...atLast,
        reason: 'head_missing',
        message: `No head is recorded outside the trail for its events through seq ${end.seq}: the record was removed, so removing the newest events would go unnoticed`,
      };
    }
    const sealed = isSealedHead(record, key);
    if (record.mac !== null && !sealed) {
      return {
        index: count,
        seq: record.seq,
        id: this.#atHead?.id ?? null,
        reason: 'head_invalid',
        message: `The head recorded outside the trail (seq ${record.seq}) does not carry a valid seal: it was written or changed without the audit key`,
      };
    }
    if (record.seq === end.seq && record.hash === end.hash) {
      return { headRecord: sealed ? 'sealed' : 'unsealed' };
    }
    if (record.seq > end.seq) {
      const missing = record.seq - end.seq;
      return {
        index: count,
        seq: record.seq,
        id: null,
        reason: 'truncated',
        message: `The trail ends at seq ${end.seq}, but its recorded head is seq ${record.seq}: the ${missing} newest event${missing === 1 ? ' was' : 's were'} removed`,
      };
    }
    if (record.seq === end.seq) {
      return {
        ...atLast,
        reason: 'head_mismatch',
        message: `The newest event (seq ${end.seq}) is not the one recorded as the head: it was replaced`,
      };
    }
    if (this.#atHead?.hash === record.hash && this.#afterHead !== undefined) {
      return {
        index: count - (end.seq - record.seq),
        seq: this.#afterHead.seq,
        id: this.#afterHead.id,
        reason: 'head_mismatch',
        message: `The trail continues past its recorded head (seq ${record.seq}) to seq ${end.seq}: the head record was set back, or events were added without updating it`,
      };
    }
    return {
      index: count,
      seq: record.seq,
      id: this.#atHead?.id ?? null,
      reason: 'head_mismatch',
      message: `The recorded head (seq ${record.seq}) is not part of this chain`,
    };
  }
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
