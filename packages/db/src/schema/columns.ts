/**
 * Column builders shared by every table, so that the conventions (millisecond timestamps, integer
 * micro-credits, 0/1 booleans) are written once and cannot drift between tables.
 */
import { sql } from 'drizzle-orm';
import { integer } from 'drizzle-orm/sqlite-core';

/**
 * `now` in integer milliseconds, computed by SQLite. Used as the column default so that a row inserted by
 * plain SQL (a CLI repair, a test) still gets a sensible timestamp; drizzle inserts omit the column and let
 * this fire. `round` before `cast` because `unixepoch('subsec') * 1000` is a float that may land a hair
 * below the whole millisecond.
 */
export const NOW_MS = sql`(cast(round(unixepoch('subsec') * 1000) as integer))`;

/** A point in time stored as integer milliseconds since the epoch; read back as a `Date`. */
export function timestampMs<TName extends string>(name: TName) {
  return integer(name, { mode: 'timestamp_ms' });
}

/** `created_at`: set once by the database when the row is inserted. */
export function createdAt() {
  return timestampMs('created_at').notNull().default(NOW_MS);
}

/** `updated_at`: set by the database on insert and refreshed by drizzle on every update through it. */
export function updatedAt() {
  return timestampMs('updated_at')
    .notNull()
    .default(NOW_MS)
    .$onUpdateFn(() => new Date());
}

/** A boolean stored as 0/1 (SQLite has no boolean type; a CHECK keeps other integers out). */
export function flag<TName extends string>(name: TName, defaultValue: boolean) {
  return integer(name, { mode: 'boolean' }).notNull().default(defaultValue);
}

/**
 * 1 credit = 1,000,000 micro-credits. Balances, costs and ledger amounts are integers in this unit so that
 * sums are exact (no floating-point drift across millions of small charges).
 */
export const MICRO_CREDITS_PER_CREDIT = 1_000_000;

/** An amount of credits as an INTEGER number of micro-credits (see `MICRO_CREDITS_PER_CREDIT`). */
export function microCredits<TName extends string>(name: TName) {
  return integer(name).notNull();
}
