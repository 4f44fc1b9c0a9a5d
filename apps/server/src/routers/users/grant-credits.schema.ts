import { MICRO_CREDITS_PER_CREDIT } from '@aigne-hub/db';
import { z } from 'zod';
import { didSchema } from './by-did.schema';

/** The largest single grant or removal, in credits: far beyond any real need, far below 2^53 micro-credits. */
export const MAX_CREDIT_CHANGE = 1_000_000_000;

/**
 * True when `credits` has at most six decimals, i.e. is a whole number of micro-credits. Dividing the rounded
 * micro-credit count back gives the double nearest to that 6-decimal number, which is `credits` itself exactly
 * when `credits` was written with at most six decimals.
 */
export function isWholeMicroCredits(credits: number): boolean {
  return Math.round(credits * MICRO_CREDITS_PER_CREDIT) / MICRO_CREDITS_PER_CREDIT === credits;
}

export const grantCreditsInput = z
  .object({
    did: didSchema,
    /** Credits to add (positive) or remove (negative); at most six decimals. */
    amount: z
      .number()
      .refine((value) => value !== 0, 'amount must not be zero')
      .refine(
        (value) => Math.abs(value) <= MAX_CREDIT_CHANGE,
        `amount is at most ${MAX_CREDIT_CHANGE} credits`,
      )
      .refine(isWholeMicroCredits, 'amount has at most 6 decimals'),
    /** Why: kept in the credit ledger and the audit trail. */
    reason: z.string().trim().min(1, 'a reason is required').max(500, 'the reason is at most 500 characters'),
  })
  .strict();

export type GrantCreditsInput = z.infer<typeof grantCreditsInput>;
