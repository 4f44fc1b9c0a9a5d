import { ValidationError } from '../errors';
import type { UnsignedAuditEvent } from './types';

/**
 * The canonical form of an audit event: the exact bytes its hash covers.
 *
 * It is a JSON array (no whitespace) of a version tag and then every field except `hash`, in this fixed order:
 *
 *     ["aigne-hub/audit/v1", seq, id, ts, actorDid, actorRole, via, ip, userAgent, requestId, action,
 *      targetType, targetId, outcome, reason, details, prevHash]
 *
 * - Strings are written as ECMAScript `JSON.stringify` writes them (an exactly specified escaping: `\"`, `\\`,
 *   `\b \f \n \r \t`, other controls as `\u00xx` and lone surrogates as `\udxxx`, lowercase hex; everything
 *   else as is, non-ASCII included), and hashed as UTF-8. `null` is `null`.
 * - `seq` is a decimal integer. Numbers inside `details` use the ECMAScript shortest round-trip form
 *   (`1.5`, `1e+21`, never a locale), `-0` is written `0`, and NaN / Infinity are rejected: they have no JSON form
 *   and would silently become `null`.
 * - `details` objects have their keys sorted by UTF-16 code units, recursively; array order is kept. So the
 *   details can be stored as text, parsed back and re-serialized to the same bytes.
 * - The version tag makes a future format change explicit instead of silently changing every hash.
 *
 * Only the TYPES of fields are checked here (and the shape of `ts` and `prevHash`), not their allowed values:
 * a verifier must be able to hash any event that was once written, even with a `via` added by a later version.
 */
export const AUDIT_CANONICAL_VERSION = 'aigne-hub/audit/v1';

const ISO_UTC_MILLIS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{3}Z$/;
const HEX_64 = /^[0-9a-f]{64}$/;
/** Deeper details than this are refused; it also stops a cycle (the redactor never goes past 10). */
const MAX_DETAILS_DEPTH = 64;

/** True for `2025-01-31T12:00:00.000Z`, and only for real instants written in exactly that form. */
export function isIsoUtcMillis(ts: string): boolean {
  const m = ISO_UTC_MILLIS.exec(ts);
  if (m === null) {
    return false;
  }
  // Checked by hand rather than with a Date round trip: this runs once per event when verifying millions.
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    Number(m[4]) < 24 &&
    Number(m[5]) < 60 &&
    Number(m[6]) < 60
  );
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function isHash(value: unknown): value is string {
  return typeof value === 'string' && HEX_64.test(value);
}

export function canonicalAuditEvent(event: UnsignedAuditEvent): string {
  if (!Number.isSafeInteger(event.seq) || event.seq < 1) {
    throw new ValidationError('Audit event seq must be a positive integer');
  }
  if (typeof event.ts !== 'string' || !isIsoUtcMillis(event.ts)) {
    throw new ValidationError(
      'Audit event ts must be ISO-8601 UTC with milliseconds, e.g. 2025-01-31T12:00:00.000Z',
    );
  }
  if (!isHash(event.prevHash)) {
    throw new ValidationError('Audit event prevHash must be 64 lowercase hex characters');
  }
  checkText(event.id, 'id');
  checkNullableText(event.actorDid, 'actorDid');
  checkNullableText(event.actorRole, 'actorRole');
  checkNullableText(event.via, 'via');
  checkNullableText(event.ip, 'ip');
  checkNullableText(event.userAgent, 'userAgent');
  checkNullableText(event.requestId, 'requestId');
  checkText(event.action, 'action');
  checkNullableText(event.targetType, 'targetType');
  checkNullableText(event.targetId, 'targetId');
  checkText(event.outcome, 'outcome');
  checkNullableText(event.reason, 'reason');
  const details: unknown = event.details;
  if (details !== null && !isPlainObject(details)) {
    throw new ValidationError('Audit event details must be a JSON object or null');
  }
  // Every field is a checked string, null or one integer, which JSON.stringify writes exactly as described
  // above. When the details are in canonical shape too, one native call writes the whole form (the common
  // case, and what makes verifying a million events fast); otherwise they are written by the general writer
  // and spliced in after the reason.
  const fields = [
    AUDIT_CANONICAL_VERSION,
    event.seq,
    event.id,
    event.ts,
    event.actorDid,
    event.actorRole,
    event.via,
    event.ip,
    event.userAgent,
    event.requestId,
    event.action,
    event.targetType,
    event.targetId,
    event.outcome,
    event.reason,
  ];
  if (isCanonicalShape(details, 0)) {
    return JSON.stringify([...fields, details, event.prevHash]);
  }
  return `${JSON.stringify(fields).slice(0, -1)},${write(details, 0)},"${event.prevHash}"]`;
}

function checkText(value: unknown, field: string): void {
  if (typeof value !== 'string') {
    throw new ValidationError(`Audit event ${field} must be a string`);
  }
}

function checkNullableText(value: unknown, field: string): void {
  if (value !== null && typeof value !== 'string') {
    throw new ValidationError(`Audit event ${field} must be a string or null`);
  }
}

/**
 * Canonical JSON text of a JSON value: sorted keys, no whitespace, finite numbers only. Exported because the
 * database stores `details` as this text, so that it comes back byte for byte.
 */
export function canonicalJson(value: unknown): string {
  // Fast path for the common case (details written by `createAuditEvent` or parsed back from their stored
  // text): when the value is already in canonical shape, the engine's JSON.stringify writes exactly the same
  // bytes as the general writer below, several times faster. Verifying a million events depends on it.
  return isCanonicalShape(value, 0) ? JSON.stringify(value) : write(value, 0);
}

/**
 * True when `JSON.stringify(value)` is already the canonical text: only JSON types, finite numbers, plain
 * objects whose own keys are in strictly increasing code-unit order, none of them an array index (engines
 * list those first, in numeric order, whatever the insertion order), and arrays without holes.
 */
function isCanonicalShape(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) {
        return true;
      }
      if (depth >= MAX_DETAILS_DEPTH) {
        return false;
      }
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !isCanonicalShape(value[i], depth + 1)) {
            return false;
          }
        }
        return true;
      }
      if (!isPlainObject(value)) {
        return false;
      }
      const keys = Object.keys(value);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        if ((i > 0 && (keys[i - 1] as string) >= key) || ARRAY_INDEX.test(key)) {
          return false;
        }
        if (!isCanonicalShape(value[key], depth + 1)) {
          return false;
        }
      }
      return true;
    }
    default:
      return false;
  }
}

/** Keys an engine orders numerically (integer-like, below 2^32 - 1); the general writer handles them. */
const ARRAY_INDEX = /^(?:0|[1-9][0-9]{0,9})$/;

function write(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new ValidationError('Audit details may only hold finite numbers');
      }
      return JSON.stringify(value);
    case 'object':
      if (value === null) {
        return 'null';
      }
      if (depth >= MAX_DETAILS_DEPTH) {
        throw new ValidationError(`Audit details must not nest deeper than ${MAX_DETAILS_DEPTH} levels`);
      }
      return Array.isArray(value) ? writeArray(value, depth + 1) : writeObject(value, depth + 1);
    default:
      throw new ValidationError(`Audit details may not hold a ${typeof value}`);
  }
}

function writeArray(items: readonly unknown[], depth: number): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (!(i in items)) {
      throw new ValidationError('Audit details arrays must not have holes');
    }
    out += (i === 0 ? '' : ',') + write(items[i], depth);
  }
  return `${out}]`;
}

function writeObject(value: object, depth: number): string {
  if (!isPlainObject(value)) {
    throw new ValidationError(
      'Audit details may only hold plain objects, arrays, strings, numbers, booleans, null',
    );
  }
  // Default sort compares UTF-16 code units: the same order on every engine and locale.
  const keys = Object.keys(value).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    out += `${i === 0 ? '' : ','}${JSON.stringify(key)}:${write(value[key], depth)}`;
  }
  return `${out}}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
