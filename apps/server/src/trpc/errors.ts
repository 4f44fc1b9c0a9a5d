/**
 * The one place where domain errors become tRPC errors. Domain code throws `HubError`s (core/errors.ts) and
 * never imports @trpc/server; database constraint violations become CONFLICT / BAD_REQUEST with a message of
 * our own (SQLite's text may name values). Anything else is INTERNAL_SERVER_ERROR with a generic message.
 */
import { isHubError, RateLimitedError, type HubError } from '@aigne-hub/core';
import { constraintViolation } from '@aigne-hub/db';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';

const CODE_BY_KIND: Record<HubError['kind'], TRPC_ERROR_CODE_KEY> = {
  config: 'INTERNAL_SERVER_ERROR',
  decryption: 'INTERNAL_SERVER_ERROR',
  validation: 'BAD_REQUEST',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  not_found: 'NOT_FOUND',
  conflict: 'CONFLICT',
  precondition_failed: 'PRECONDITION_FAILED',
  insufficient_credits: 'PAYMENT_REQUIRED',
  rate_limited: 'TOO_MANY_REQUESTS',
  upstream: 'BAD_GATEWAY',
  upstream_timeout: 'GATEWAY_TIMEOUT',
  did_auth: 'UNAUTHORIZED',
};

/** Kinds whose message is for the operator's log only (they may describe keys or internals). */
const HIDDEN: ReadonlySet<HubError['kind']> = new Set(['config', 'decryption']);

/** Maps an error thrown inside a procedure; returns null when it is already a deliberate TRPCError. */
export function toTRPCError(error: TRPCError): TRPCError | null {
  const cause = error.cause;
  if (isHubError(cause)) {
    const code = CODE_BY_KIND[cause.kind];
    const message = HIDDEN.has(cause.kind) ? 'Internal server error' : cause.message;
    return new TRPCError({ code, message, cause });
  }
  const violation = constraintViolation(cause ?? error);
  if (violation) {
    if (violation.kind === 'unique' || violation.kind === 'primary_key') {
      return new TRPCError({ code: 'CONFLICT', message: 'That already exists', cause });
    }
    if (violation.kind === 'foreign_key') {
      return new TRPCError({
        code: 'BAD_REQUEST',
        message: 'That refers to something that does not exist',
        cause,
      });
    }
    if (violation.kind === 'check' || violation.kind === 'not_null') {
      return new TRPCError({ code: 'BAD_REQUEST', message: 'That value is not allowed', cause });
    }
    // A trigger abort (the append-only audit table) is the hub's fault, not the caller's: internal error.
  }
  return null;
}

export function retryAfterOf(error: TRPCError): number | null {
  return error.cause instanceof RateLimitedError ? error.cause.retryAfterSeconds : null;
}
