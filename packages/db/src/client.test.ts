import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type HubDatabase,
  type HubTransaction,
  type OpenedDatabase,
  type SqliteConnection,
  AUTH_DB_FILE,
  HUB_DB_FILE,
  openDatabase,
  openHubDatabases,
} from './client';
import { MIGRATIONS_TABLE, migrationsFolder, readJournal } from './migrations';
import { users } from './schema/hub/index';

const HUB_TABLES = [
  '__drizzle_migrations',
  'api_keys',
  'audit_events',
  'audit_head',
  'config',
  'credentials',
  'credit_transactions',
  'model_rates',
  'providers',
  'system_secrets',
  'usage_records',
  'users',
];
const AUTH_TABLES = ['__drizzle_migrations', 'did_connect_sessions', 'login_challenges', 'sessions'];

function tableNames(sqlite: SqliteConnection): string[] {
  return sqlite
    .prepare<[], { name: string }>(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name",
    )
    .all()
    .map((row) => row.name);
}

/** The full schema text, to show that reopening changes nothing (planner statistics excluded). */
function schemaSql(sqlite: SqliteConnection): string[] {
  return sqlite
    .prepare<[], { sql: string | null }>(
      "select sql from sqlite_master where name not like 'sqlite_stat%' order by type, name",
    )
    .all()
    .map((row) => row.sql ?? '');
}

function migrationRows(sqlite: SqliteConnection): number {
  return sqlite.prepare<[], { n: number }>(`select count(*) as n from "${MIGRATIONS_TABLE}"`).get()!.n;
}

let dir: string;
const opened: { close(): void }[] = [];
function track<T extends { close(): void }>(handle: T): T {
  opened.push(handle);
  return handle;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aigne-hub-db-'));
});
afterEach(() => {
  try {
    for (const handle of opened.splice(0)) handle.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('openDatabase', () => {
  it('migrates an in-memory hub database to every table', () => {
    const hub = track(openDatabase('hub', ':memory:'));
    expect(tableNames(hub.sqlite)).toEqual(HUB_TABLES);
    expect(hub.file).toBe(':memory:');
  });

  it('migrates an in-memory auth database to its own tables only', () => {
    const auth = track(openDatabase('auth', ':memory:'));
    expect(tableNames(auth.sqlite)).toEqual(AUTH_TABLES);
  });

  it('sets WAL, foreign keys, busy timeout and synchronous=NORMAL on a file database', () => {
    const hub = track(openDatabase('hub', join(dir, HUB_DB_FILE)));
    expect(hub.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(hub.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(hub.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(hub.sqlite.pragma('synchronous', { simple: true })).toBe(1); // 1 = NORMAL
    expect(hub.sqlite.pragma('recursive_triggers', { simple: true })).toBe(1);
    expect(tableNames(hub.sqlite)).toEqual(HUB_TABLES);
  });

  it('applies a custom busy timeout', () => {
    const auth = track(openDatabase('auth', join(dir, AUTH_DB_FILE), { busyTimeoutMs: 1234 }));
    expect(auth.sqlite.pragma('busy_timeout', { simple: true })).toBe(1234);
  });

  it('sets foreign keys and busy timeout on an in-memory database (which has no WAL)', () => {
    const hub = track(openDatabase('hub', ':memory:'));
    expect(hub.sqlite.pragma('journal_mode', { simple: true })).toBe('memory');
    expect(hub.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(hub.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(hub.sqlite.pragma('recursive_triggers', { simple: true })).toBe(1);
  });

  it('creates missing parent folders with mode 0700 and the file with mode 0600 (WAL file too)', () => {
    const nested = join(dir, 'a', 'b');
    const file = join(nested, HUB_DB_FILE);
    const hub = track(openDatabase('hub', file));
    hub.db.insert(users).values({ did: 'did:abt:z1' }).run();
    expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o700);
    expect(statSync(nested).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
  });

  it('resolves a relative file name to an absolute path', () => {
    const hub = track(openDatabase('hub', relative(process.cwd(), join(dir, HUB_DB_FILE))));
    expect(hub.file).toBe(join(dir, HUB_DB_FILE));
    expect(existsSync(join(dir, HUB_DB_FILE))).toBe(true);
  });

  it('refuses an empty file name (SQLite would silently open a temporary database)', () => {
    expect(() => openDatabase('hub', '')).toThrow(/empty file name/);
  });

  it('refuses a negative busy timeout', () => {
    expect(() => openDatabase('hub', ':memory:', { busyTimeoutMs: -1 })).toThrow(/busyTimeoutMs/);
  });

  it('leaves the schema alone with migrate: false', () => {
    const hub = track(openDatabase('hub', join(dir, HUB_DB_FILE), { migrate: false }));
    expect(tableNames(hub.sqlite)).toEqual([]);
  });

  it('reopening an existing database is a no-op for migrations and keeps the data', () => {
    const file = join(dir, HUB_DB_FILE);
    const first = openDatabase('hub', file);
    first.db.insert(users).values({ did: 'did:abt:keep', name: 'Keep' }).run();
    const before = schemaSql(first.sqlite);
    first.close();

    const second = track(openDatabase('hub', file));
    expect(migrationRows(second.sqlite)).toBe(readJournal(migrationsFolder('hub')).length);
    expect(schemaSql(second.sqlite)).toEqual(before);
    expect(second.db.select({ name: users.name }).from(users).all()).toEqual([{ name: 'Keep' }]);

    // drizzle's migrator run again directly (bypassing the up-to-date shortcut) changes nothing either.
    migrate(second.db, { migrationsFolder: migrationsFolder('hub') });
    expect(migrationRows(second.sqlite)).toBe(readJournal(migrationsFolder('hub')).length);
    expect(schemaSql(second.sqlite)).toEqual(before);
  });

  it('close() is idempotent and closes the connection', () => {
    const hub = openDatabase('hub', ':memory:');
    hub.close();
    hub.close();
    expect(hub.sqlite.open).toBe(false);
  });
});

describe('transactions', () => {
  /** The shape of a service that joins its caller's transaction (an admin change and its audit event). */
  function addUser(executor: HubDatabase | HubTransaction, did: string): void {
    executor.insert(users).values({ did }).run();
  }

  it('commits every write of a transaction together, or none of them', () => {
    const hub = track(openDatabase('hub', ':memory:'));
    hub.db.transaction((tx) => {
      addUser(tx, 'did:abt:t1');
      addUser(tx, 'did:abt:t2');
    });
    expect(() =>
      hub.db.transaction((tx) => {
        addUser(tx, 'did:abt:t3');
        addUser(tx, 'did:abt:t1'); // duplicate: the whole transaction rolls back
      }),
    ).toThrow(/UNIQUE constraint failed: users\.did/);
    addUser(hub.db, 'did:abt:t4');
    const dids = hub.db.select({ did: users.did }).from(users).orderBy(users.did).all();
    expect(dids.map((row) => row.did)).toEqual(['did:abt:t1', 'did:abt:t2', 'did:abt:t4']);
  });
});

describe('two connections to one file (WAL)', () => {
  let a: OpenedDatabase<'hub'>;
  let b: OpenedDatabase<'hub'>;
  beforeEach(() => {
    const file = join(dir, HUB_DB_FILE);
    a = track(openDatabase('hub', file, { busyTimeoutMs: 100 }));
    b = track(openDatabase('hub', file, { busyTimeoutMs: 100 }));
  });

  it('sees each other’s committed writes', () => {
    a.db.insert(users).values({ did: 'did:abt:a' }).run();
    b.db.insert(users).values({ did: 'did:abt:b' }).run();
    const dids = (handle: OpenedDatabase<'hub'>) =>
      handle.db
        .select({ did: users.did })
        .from(users)
        .orderBy(users.did)
        .all()
        .map((row) => row.did);
    expect(dids(a)).toEqual(['did:abt:a', 'did:abt:b']);
    expect(dids(b)).toEqual(['did:abt:a', 'did:abt:b']);
  });

  it('lets a writer commit while a reader holds a snapshot, which keeps its view until it ends', () => {
    const count = () => b.sqlite.prepare<[], { n: number }>('select count(*) as n from users').get()!.n;
    b.sqlite.exec('BEGIN');
    expect(count()).toBe(0);
    // In rollback-journal mode this commit would wait for the reader and fail with SQLITE_BUSY.
    a.db.insert(users).values({ did: 'did:abt:w' }).run();
    expect(count()).toBe(0);
    b.sqlite.exec('COMMIT');
    expect(count()).toBe(1);
  });

  it('makes a second writer wait for the busy timeout, then fail with SQLITE_BUSY', () => {
    a.sqlite.exec('BEGIN IMMEDIATE');
    try {
      const started = Date.now();
      expect(() => b.sqlite.exec("insert into users (did) values ('did:abt:late')")).toThrow(
        expect.objectContaining({ code: 'SQLITE_BUSY' }),
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    } finally {
      a.sqlite.exec('ROLLBACK');
    }
  });
});

describe('openHubDatabases', () => {
  it('opens hub.db and auth.db in the data folder, creating it, each with its own tables', () => {
    const dataDir = join(dir, 'data');
    const dbs = track(openHubDatabases({ dataDir }));
    expect(dbs.hub.file).toBe(join(dataDir, 'hub.db'));
    expect(dbs.auth.file).toBe(join(dataDir, 'auth.db'));
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(tableNames(dbs.hub.sqlite)).toEqual(HUB_TABLES);
    expect(tableNames(dbs.auth.sqlite)).toEqual(AUTH_TABLES);
    expect(dbs.auth.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('close() closes both and may be called twice', () => {
    const dbs = openHubDatabases({ dataDir: dir });
    dbs.close();
    dbs.close();
    expect(dbs.hub.sqlite.open).toBe(false);
    expect(dbs.auth.sqlite.open).toBe(false);
  });

  it('closes hub.db again when auth.db cannot be opened', () => {
    const dataDir = join(dir, 'data');
    // A folder in the place of auth.db makes SQLite fail to open it.
    mkdirSync(join(dataDir, AUTH_DB_FILE), { recursive: true });
    expect(() => openHubDatabases({ dataDir })).toThrow(expect.objectContaining({ code: 'SQLITE_CANTOPEN' }));
    // hub.db was created and migrated; the last connection to close removes its -wal file.
    expect(existsSync(join(dataDir, HUB_DB_FILE))).toBe(true);
    expect(existsSync(join(dataDir, `${HUB_DB_FILE}-wal`))).toBe(false);
  });
});
