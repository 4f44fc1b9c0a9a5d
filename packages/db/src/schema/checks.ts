/**
 * SQL expressions for CHECK constraints. SQLite tables here are not STRICT (drizzle-kit cannot emit
 * STRICT tables), so these checks give the same discipline where it matters: enum-like text columns hold
 * only known values, money and counters are real integers, JSON columns hold valid JSON.
 *
 * Columns are referenced by their bare quoted name (not `"table"."column"`) so that a future migration
 * which rebuilds a table under a temporary name keeps valid constraints.
 */
import { type SQL, sql } from 'drizzle-orm';
import { type AnySQLiteColumn } from 'drizzle-orm/sqlite-core';

function ref(column: AnySQLiteColumn): SQL {
  return sql`${sql.identifier(column.name)}`;
}

/** A nullable column passes when NULL; the rule applies to the values that are present. */
function orNull(column: AnySQLiteColumn, rule: SQL): SQL {
  return column.notNull ? rule : sql`(${ref(column)} is null or (${rule}))`;
}

/**
 * DDL cannot carry bound parameters, so the allowed values are inlined as SQL string literals. They are
 * compile-time constants of this package, quoted by doubling single quotes all the same.
 */
function literals(values: readonly string[]): SQL {
  return sql.raw(values.map((value) => `'${value.replaceAll("'", "''")}'`).join(', '));
}

/** The column holds one of `values`. */
export function oneOf(column: AnySQLiteColumn, values: readonly [string, ...string[]]): SQL {
  return orNull(column, sql`${ref(column)} in (${literals(values)})`);
}

/** The column holds 0 or 1 (drizzle's boolean mode). */
export function isBoolean(column: AnySQLiteColumn): SQL {
  return orNull(column, sql`${ref(column)} in (0, 1)`);
}

/** The column holds an INTEGER (not a REAL or text), at least `min` when given. */
export function isInteger(column: AnySQLiteColumn, min?: number): SQL {
  const typed = sql`typeof(${ref(column)}) = 'integer'`;
  return orNull(
    column,
    min === undefined ? typed : sql`${typed} and ${ref(column)} >= ${sql.raw(String(min))}`,
  );
}

/** The column holds a non-negative REAL (integers are stored as REAL by the column's affinity). */
export function isNonNegativeReal(column: AnySQLiteColumn): SQL {
  return orNull(column, sql`typeof(${ref(column)}) = 'real' and ${ref(column)} >= 0`);
}

/** The column holds well-formed JSON text. */
export function isJson(column: AnySQLiteColumn): SQL {
  return orNull(column, sql`json_valid(${ref(column)})`);
}

/** ISO-8601 in UTC with the `Z` suffix, as `Date.prototype.toISOString()` writes it (seconds required). */
export function isIsoUtc(column: AnySQLiteColumn): SQL {
  return orNull(
    column,
    sql`${ref(column)} glob '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]*Z'`,
  );
}

/** A lowercase slug: letters, digits, `.`, `_`, `-`; never a `/`, which separates `provider/model`. */
export function isSlug(column: AnySQLiteColumn): SQL {
  return orNull(
    column,
    sql`length(${ref(column)}) between 1 and 64 and ${ref(column)} not glob '*[^a-z0-9._-]*'`,
  );
}
