/**
 * The opaque cursor of `users.list`. Users are listed newest first with the DID as tie-breaker (many users can
 * share a creation millisecond), so a position is the pair (createdAt, did) of the last row of a page. The pair
 * is base64url JSON: opaque to clients, but never a secret, so no signature is needed; a malformed one is a
 * ValidationError, never a crash.
 */
import { ValidationError } from '@aigne-hub/core';

export interface UserCursor {
  createdAtMs: number;
  did: string;
}

export function encodeUserCursor(cursor: UserCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAtMs, cursor.did]), 'utf8').toString('base64url');
}

export function decodeUserCursor(value: string): UserCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationError('The cursor is not valid; start again from the first page');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    !Number.isSafeInteger(parsed[0]) ||
    typeof parsed[1] !== 'string' ||
    parsed[1].length === 0
  ) {
    throw new ValidationError('The cursor is not valid; start again from the first page');
  }
  return { createdAtMs: parsed[0] as number, did: parsed[1] };
}
