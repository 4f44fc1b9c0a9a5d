import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../errors';
import { isHash } from './canonical';
import { auditKeyObject, type AuditKey } from './chain';
import type { AuditChainHead } from './types';

/**
 * The newest event of a hash chain can be removed without a trace: what remains is a valid, shorter chain. So the
 * hub also records the chain's head (the newest event's seq and hash) OUTSIDE the audit table, sealed with a MAC
 * under the audit key; `verifyChain` compares the chain's end with it. Whoever deletes the newest events cannot
 * write a matching record without the key.
 *
 * `seq` is the position of the newest event and so also the number of events ever written (pruned ones included).
 * `mac` is null only for a record written by the upgrade that introduced head records (SQL cannot compute a MAC);
 * the next event the hub appends seals it.
 */
export interface AuditHeadRecord {
  seq: number;
  hash: string;
  mac: string | null;
}

/**
 * Domain separation from event hashes, which are HMACs of a 64-hex `prevHash` followed by the canonical form: this
 * message starts with a character that is not hex, so no head MAC input can equal an event hash input.
 */
const HEAD_MAC_DOMAIN = 'aigne-hub/audit-head/v1';

/** HMAC-SHA256 (hex) under the audit key of `aigne-hub/audit-head/v1\n<seq>\n<hash>`. */
export function auditHeadMac(head: AuditChainHead, auditKey: AuditKey): string {
  if (!Number.isSafeInteger(head.seq) || head.seq < 1 || !isHash(head.hash)) {
    throw new ValidationError('An audit head needs a positive integer seq and a 64-hex hash');
  }
  return createHmac('sha256', auditKeyObject(auditKey))
    .update(`${HEAD_MAC_DOMAIN}\n${String(head.seq)}\n${head.hash}`, 'utf8')
    .digest('hex');
}

/** The sealed record of `head`. */
export function sealAuditHead(head: AuditChainHead, auditKey: AuditKey): AuditHeadRecord {
  return { seq: head.seq, hash: head.hash, mac: auditHeadMac(head, auditKey) };
}

/** True when the record's MAC is valid under the key (false for an unsealed or malformed record). */
export function isSealedHead(record: AuditHeadRecord, auditKey: AuditKey): boolean {
  if (record.mac === null || !/^[0-9a-f]{64}$/.test(record.mac)) {
    return false;
  }
  let expected: string;
  try {
    expected = auditHeadMac(record, auditKey);
  } catch {
    return false;
  }
  // Compared in constant time, as MACs should be; it costs nothing here.
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(record.mac, 'hex'));
}
