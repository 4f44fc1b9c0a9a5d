/**
 * The filters shared by `auditEvents.list` and `auditEvents.export` (a plain shape, so that each procedure's
 * schema can add its own fields and still be `.strict()`).
 */
import { AUDIT_OUTCOMES } from '@aigne-hub/core';
import { z } from 'zod';

/** An ISO-8601 time with `Z` or an offset, normalised to the stored form (UTC, milliseconds, `Z`). */
const isoTime = z.iso
  .datetime({ offset: true, error: 'must be an ISO-8601 time such as 2025-01-31T12:00:00Z' })
  .transform((value) => new Date(value).toISOString());

export const auditFilterFields = {
  /** Events by this actor. */
  actorDid: z.string().trim().min(1).max(200).optional(),
  /**
   * Events whose action starts with this, e.g. `apiKeys.` or `auth.login`. Only the characters an action may
   * hold, so the prefix is matched as a range on the action index and never as a LIKE pattern.
   */
  actionPrefix: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_.-]+$/, 'an action prefix holds only letters, digits, ".", "_" and "-"')
    .optional(),
  targetType: z.string().trim().min(1).max(100).optional(),
  targetId: z.string().trim().min(1).max(200).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  /** From this time (inclusive). */
  from: isoTime.optional(),
  /** Until this time (exclusive). */
  to: isoTime.optional(),
};

/**
 * What tRPC's infinite queries add to the input of a paged procedure (which way to page). The hub pages
 * forward only; the field is accepted, so that `useInfiniteQuery` works against the strict schemas, and ignored.
 */
export const pagingDirection = z.enum(['forward', 'backward']).optional();

/** A cursor as returned in `nextCursor`: the seq of the last event of the previous page, as a string. */
export const auditCursor = z
  .string()
  .regex(/^[0-9]{1,16}$/, 'must be a nextCursor value from a previous answer')
  .transform(Number);

/** Refinement for schemas built from `auditFilterFields`. */
export function rangeInOrder(value: { from?: string; to?: string }): boolean {
  return value.from === undefined || value.to === undefined || value.from < value.to;
}

export const RANGE_MESSAGE = { message: '`from` must be before `to`', path: ['to'] };
