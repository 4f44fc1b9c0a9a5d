import { ValidationError } from '../errors';
import { isHash, isIsoUtcMillis } from './canonical';
import type { AuditDetails, AuditEvent } from './types';

/**
 * Retention removes the oldest audit events. Removing them silently would be indistinguishable from an attacker
 * deleting them, so a retention job first appends a checkpoint event that says what it is about to remove: the
 * range, the count, the time span and the hash of the last removed event. Because every hash covers the previous
 * one, that single hash commits to the whole removed prefix. The checkpoint is itself an ordinary chained event
 * (HMAC under the audit key), so it cannot be forged or edited without the key, and `verifyChain` uses it as the
 * anchor the remaining chain starts from.
 */
export const AUDIT_CHECKPOINT_ACTION = 'audit.checkpoint';

export interface AuditCheckpoint {
  /** Seq of the first removed event. */
  fromSeq: number;
  /** Seq of the last removed event; the remaining chain starts at `toSeq + 1`. */
  toSeq: number;
  /** Events removed: `toSeq - fromSeq + 1` (seq values have no gaps in a verified chain). */
  count: number;
  /** `ts` of the first and the last removed event. */
  firstTs: string;
  lastTs: string;
  /** Hash of the event at `toSeq`: the commitment to the removed prefix, and the next event's `prevHash`. */
  prefixHash: string;
  /** `prevHash` of the event at `fromSeq`: the genesis hash, or the `prefixHash` of the checkpoint before. */
  anchorHash: string;
}

/** The removed range described by its first and last event (both already verified by the caller). */
export function checkpointOf(first: AuditEvent, last: AuditEvent): AuditCheckpoint {
  if (last.seq < first.seq) {
    throw new ValidationError('A checkpoint range must not end before it starts');
  }
  return {
    fromSeq: first.seq,
    toSeq: last.seq,
    count: last.seq - first.seq + 1,
    firstTs: first.ts,
    lastTs: last.ts,
    prefixHash: last.hash,
    anchorHash: first.prevHash,
  };
}

/**
 * The details of a checkpoint event: the checkpoint's fields plus `extra` (why the events were removed, e.g. the
 * retention and cutoff). The checkpoint's own fields win over `extra`.
 */
export function checkpointDetails(checkpoint: AuditCheckpoint, extra: AuditDetails = {}): AuditDetails {
  return { ...extra, ...checkpoint };
}

/**
 * The checkpoint an event carries, or null when it is not a checkpoint event or its details are not a
 * well-formed checkpoint. Says nothing about authenticity: the caller verifies the event's hash.
 */
export function readCheckpoint(event: Pick<AuditEvent, 'action' | 'details'>): AuditCheckpoint | null {
  if (event.action !== AUDIT_CHECKPOINT_ACTION || event.details === null) {
    return null;
  }
  const { fromSeq, toSeq, count, firstTs, lastTs, prefixHash, anchorHash } = event.details;
  const wellFormed =
    isSeq(fromSeq) &&
    isSeq(toSeq) &&
    toSeq >= fromSeq &&
    count === toSeq - fromSeq + 1 &&
    typeof firstTs === 'string' &&
    isIsoUtcMillis(firstTs) &&
    typeof lastTs === 'string' &&
    isIsoUtcMillis(lastTs) &&
    isHash(prefixHash) &&
    isHash(anchorHash);
  return wellFormed ? { fromSeq, toSeq, count, firstTs, lastTs, prefixHash, anchorHash } : null;
}

function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
}
