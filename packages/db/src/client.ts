/**
 * Opening the hub's SQLite files: connection pragmas, migrations, and a drizzle instance with the schema.
 * Every process (server, CLI, tests) opens databases through here, so they all get the same settings.
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { type DatabaseKind, migrationsFolder, migrationStatus, MIGRATIONS_TABLE } from './migrations';
import * as authSchema from './schema/auth/index';
import * as hubSchema from './schema/hub/index';

export type HubSchema = typeof hubSchema;
export type AuthSchema = typeof authSchema;

interface SchemaByKind {
  hub: HubSchema;
  auth: AuthSchema;
}

const SCHEMAS: SchemaByKind = { hub: hubSchema, auth: authSchema };

/** The raw better-sqlite3 connection, for pragmas, backups and statements drizzle cannot express. */
export type SqliteConnection = Database.Database;

export type DrizzleDatabase<K extends DatabaseKind> = BetterSQLite3Database<SchemaByKind[K]> & {
  $client: SqliteConnection;
};
export type HubDatabase = DrizzleDatabase<'hub'>;
export type AuthDatabase = DrizzleDatabase<'auth'>;

/**
 * The handle a `db.transaction(tx => ...)` callback receives. Services that must join the caller's
 * transaction (an admin change and its audit event commit together) accept `HubDatabase | HubTransaction`.
 * better-sqlite3 is synchronous: the callback must not be `async`, or it commits before the awaits run.
 */
export type HubTransaction = Parameters<Parameters<HubDatabase['transaction']>[0]>[0];
export type AuthTransaction = Parameters<Parameters<AuthDatabase['transaction']>[0]>[0];

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;
export const HUB_DB_FILE = 'hub.db';
export const AUTH_DB_FILE = 'auth.db';

export interface OpenDatabaseOptions {
  /** How long a statement waits for another connection's lock before failing with SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  /**
   * Where this kind's migrations are. Defaults to the folder shipped in this package; override it only
   * when bundling moves this code away from its `drizzle/` folder.
   */
  migrationsFolder?: string;
}

export interface OpenedDatabase<K extends DatabaseKind> {
  kind: K;
  /** Absolute path of the file, or `:memory:`. */
  file: string;
  db: DrizzleDatabase<K>;
  sqlite: SqliteConnection;
  /** Idempotent. */
  close(): void;
}

/**
 * Creates the parent folder (0700) and the database file (0600) when missing: the hub database holds
 * encrypted credentials, key hashes and the audit trail, which other local users have no reason to read.
 * SQLite gives the -wal and -shm files the permissions of the database file. Existing paths are left as
 * they are.
 */
function prepareFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * WAL lets readers proceed while one writer commits, and with WAL `synchronous=NORMAL` is safe against
 * corruption (a power cut can lose only the last commits). An in-memory database has no journal file, so
 * WAL does not apply to it. foreign_keys is off by default in SQLite and must be set per connection.
 * recursive_triggers makes the rows that `INSERT OR REPLACE` deletes fire delete triggers; without it a
 * REPLACE would silently rewrite an audit event past the append-only triggers.
 */
function applyPragmas(sqlite: SqliteConnection, file: string, busyTimeoutMs: number): void {
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('recursive_triggers = ON');
  if (file !== ':memory:') {
    const mode: unknown = sqlite.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') {
      // Without WAL, synchronous=NORMAL would no longer be crash-safe; refuse rather than run degraded.
      throw new Error(`SQLite refused WAL mode for ${file} (got ${String(mode)}); use a local filesystem`);
    }
  }
  sqlite.pragma('synchronous = NORMAL');
}

/**
 * Opens (creating if needed) a `hub` or `auth` database, applies the connection pragmas and, unless
 * `opts.migrate` is false, brings its schema up to date with the committed migrations.
 */
export function openDatabase<K extends DatabaseKind>(
  kind: K,
  file: string,
  opts: OpenDatabaseOptions = {},
): OpenedDatabase<K> {
  if (file === '') throw new Error('openDatabase: an empty file name would open a temporary database');
  const busyTimeoutMs = opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  if (!Number.isSafeInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
    throw new Error('openDatabase: busyTimeoutMs must be a non-negative integer');
  }
  const path = file === ':memory:' ? file : resolve(file);
  if (path !== ':memory:') prepareFile(path);

  const sqlite = new Database(path, { timeout: busyTimeoutMs });
  try {
    applyPragmas(sqlite, path, busyTimeoutMs);
    const db = drizzle({ client: sqlite, schema: SCHEMAS[kind] });
    const folder = opts.migrationsFolder ?? migrationsFolder(kind);
    // Skipping a database with nothing pending keeps opening it free of writes (and of write locks).
    if (opts.migrate !== false && migrationStatus(kind, sqlite, folder).pending > 0) {
      migrate(db, { migrationsFolder: folder, migrationsTable: MIGRATIONS_TABLE });
    }
    return {
      kind,
      file: path,
      db,
      sqlite,
      close() {
        if (!sqlite.open) return;
        try {
          // SQLite's advice for connections that ran queries: refresh planner statistics before closing.
          sqlite.pragma('optimize');
        } finally {
          sqlite.close();
        }
      },
    };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

export interface HubDatabases {
  hub: OpenedDatabase<'hub'>;
  auth: OpenedDatabase<'auth'>;
  /** Closes both; idempotent. */
  close(): void;
}

export interface OpenHubDatabasesOptions extends Omit<OpenDatabaseOptions, 'migrationsFolder'> {
  /** The data folder (`./data` or HUB_DATA_DIR); created with mode 0700 when missing. */
  dataDir: string;
}

/** Pairs two opened databases into one handle that closes both, the second even if the first throws. */
export function pairDatabases(hub: OpenedDatabase<'hub'>, auth: OpenedDatabase<'auth'>): HubDatabases {
  return {
    hub,
    auth,
    close() {
      try {
        auth.close();
      } finally {
        hub.close();
      }
    },
  };
}

/** Opens `<dataDir>/hub.db` and `<dataDir>/auth.db`, as AIGNE Hub lays them out. */
export function openHubDatabases({ dataDir, ...opts }: OpenHubDatabasesOptions): HubDatabases {
  const hub = openDatabase('hub', join(dataDir, HUB_DB_FILE), opts);
  try {
    return pairDatabases(hub, openDatabase('auth', join(dataDir, AUTH_DB_FILE), opts));
  } catch (error) {
    hub.close();
    throw error;
  }
}
