/**
 * Recognising constraint violations, so the server can map them to CONFLICT / BAD_REQUEST without
 * parsing messages. With this synchronous driver drizzle rethrows better-sqlite3's SqliteError as is;
 * other drizzle paths (its query cache, async drivers) wrap it in a DrizzleQueryError whose message
 * includes the SQL parameters, which may be key hashes or encrypted values. `constraintViolation` looks
 * through either; callers answer with a message of their own and never forward a database error's text.
 */
import Database from 'better-sqlite3';

export type ConstraintKind = 'unique' | 'primary_key' | 'foreign_key' | 'check' | 'not_null' | 'trigger';

const KIND_BY_CODE: Readonly<Record<string, ConstraintKind>> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'primary_key',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign_key',
  SQLITE_CONSTRAINT_CHECK: 'check',
  SQLITE_CONSTRAINT_NOTNULL: 'not_null',
  SQLITE_CONSTRAINT_TRIGGER: 'trigger',
};

export interface ConstraintViolation {
  kind: ConstraintKind;
  /**
   * SQLite's own text, e.g. `UNIQUE constraint failed: api_keys.hash` or a trigger's message. It names
   * constraints and columns, never values.
   */
  message: string;
}

/** The better-sqlite3 error in `error` or its `cause` chain, if any. */
export function findSqliteError(error: unknown): InstanceType<typeof Database.SqliteError> | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth += 1) {
    if (current instanceof Database.SqliteError) return current;
    current = current.cause;
  }
  return undefined;
}

/** Which constraint `error` violated, or null when it is not a constraint violation. */
export function constraintViolation(error: unknown): ConstraintViolation | null {
  const sqliteError = findSqliteError(error);
  const kind = sqliteError ? KIND_BY_CODE[sqliteError.code] : undefined;
  return sqliteError && kind ? { kind, message: sqliteError.message } : null;
}
