/**
 * Prepared statements for the request hot path (API key check, routing, credential choice, metering). drizzle
 * builds and prepares SQL anew on every call, which dominated the gateway's CPU profile; these statements are
 * prepared once per connection and reused. Admin paths keep using drizzle.
 */
import type { HubDatabase, HubTransaction, SqliteConnection } from '@aigne-hub/db';

const prepareAny = (connection: SqliteConnection, sql: string) => connection.prepare<unknown[]>(sql);
type Statement = ReturnType<typeof prepareAny>;

const cache = new WeakMap<SqliteConnection, Map<string, Statement>>();

/** The connection under a drizzle database or transaction (a transaction runs on its database's connection). */
export function connectionOf(db: HubDatabase | HubTransaction): SqliteConnection {
  return (db as unknown as { session: { client: SqliteConnection } }).session.client;
}

export function prepared(connection: SqliteConnection, sql: string): Statement {
  let statements = cache.get(connection);
  if (!statements) {
    statements = new Map();
    cache.set(connection, statements);
  }
  let statement = statements.get(sql);
  if (!statement) {
    statement = prepareAny(connection, sql);
    statements.set(sql, statement);
  }
  return statement;
}

/** A millisecond timestamp column as a Date (null stays null). */
export function dateOf(value: unknown): Date | null {
  return typeof value === 'number' ? new Date(value) : null;
}

/** A JSON text column parsed (null stays null). */
export function jsonOf<T>(value: unknown): T | null {
  return typeof value === 'string' ? (JSON.parse(value) as T) : null;
}
