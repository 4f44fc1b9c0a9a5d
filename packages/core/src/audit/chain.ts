import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { ConfigError, ValidationError } from '../errors';
import { canonicalAuditEvent, isHash } from './canonical';
import type { UnsignedAuditEvent } from './types';

/** The audit key: raw bytes (at least 32), or a secret KeyObject made from them once (faster in a loop). */
export type AuditKey = Uint8Array | KeyObject;

export const AUDIT_KEY_MIN_BYTES = 32;

/**
 * Checks the key once and wraps it in a KeyObject, so a million HMACs do not copy the raw bytes each time.
 * A short key is a configuration fault, reported without the key.
 */
export function auditKeyObject(key: AuditKey): KeyObject {
  if (key instanceof Uint8Array) {
    if (key.length < AUDIT_KEY_MIN_BYTES) {
      throw new ConfigError(`The audit key must be at least ${AUDIT_KEY_MIN_BYTES} bytes`);
    }
    return createSecretKey(key);
  }
  if (key.type !== 'secret' || (key.symmetricKeySize ?? 0) < AUDIT_KEY_MIN_BYTES) {
    throw new ConfigError(`The audit key must be a secret key of at least ${AUDIT_KEY_MIN_BYTES} bytes`);
  }
  return key;
}

/**
 * An event's hash: HMAC-SHA256 under the audit key over the UTF-8 bytes of `prevHash` followed by the
 * event's canonical form, as 64 lowercase hex characters.
 *
 * Why an HMAC and not a plain hash: with SHA-256 alone, whoever can write to the database could edit an event
 * and recompute every later hash. With the key kept outside the database, an edit, insertion or deletion cannot
 * be hidden. `prevHash` is the previous event's hash (`AUDIT_GENESIS_HASH` for the first); it is also inside the
 * canonical form, and putting it first keeps the chaining visible in the construction itself.
 */
export function chain(prevHash: string, event: UnsignedAuditEvent, auditKey: AuditKey): string {
  if (!isHash(prevHash)) {
    throw new ValidationError('prevHash must be 64 lowercase hex characters');
  }
  return chainWithKey(prevHash, event, auditKeyObject(auditKey));
}

/**
 * `chain` with a key that is already checked, for the verifier's inner loop and the builder, which both pass
 * `event.prevHash` as `prevHash` (the canonical form checks its shape).
 */
export function chainWithKey(prevHash: string, event: UnsignedAuditEvent, key: KeyObject): string {
  return createHmac('sha256', key)
    .update(prevHash + canonicalAuditEvent(event), 'utf8')
    .digest('hex');
}
