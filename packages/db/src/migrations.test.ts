import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SqliteConnection, openDatabase } from './client';
import { MIGRATIONS_TABLE, migrationsFolder, migrationStatus, readJournal } from './migrations';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aigne-hub-migrations-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('committed migrations', () => {
  it('hub has its migrations in order: initial, append-only triggers, system secrets, audit head, retention', () => {
    expect(readJournal(migrationsFolder('hub')).map((entry) => entry.tag)).toEqual([
      '0000_init',
      '0001_audit_append_only',
      '0002_system_secrets',
      '0003_audit_head',
      '0004_audit_retention',
    ]);
  });

  it('auth has its migrations in order: initial, DID Connect sessions', () => {
    expect(readJournal(migrationsFolder('auth')).map((entry) => entry.tag)).toEqual([
      '0000_init',
      '0001_did_connect_sessions',
    ]);
  });

  it('every journal entry has its SQL file and there are no stray SQL files', () => {
    for (const kind of ['hub', 'auth'] as const) {
      const folder = migrationsFolder(kind);
      const tags = readJournal(folder).map((entry) => entry.tag);
      const files = readdirSync(folder).filter((name) => name.endsWith('.sql'));
      expect(files.sort()).toEqual(tags.map((tag) => `${tag}.sql`).sort());
    }
  });

  it('journal times strictly increase (drizzle orders and skips migrations by them)', () => {
    for (const kind of ['hub', 'auth'] as const) {
      const times = readJournal(migrationsFolder(kind)).map((entry) => entry.when);
      expect(times).toEqual([...times].sort((x, y) => x - y));
      expect(new Set(times).size).toBe(times.length);
    }
  });
});

describe('migrationStatus', () => {
  it('reports everything pending on an empty database', () => {
    const hub = openDatabase('hub', ':memory:', { migrate: false });
    try {
      expect(migrationStatus('hub', hub.sqlite)).toEqual({
        kind: 'hub',
        available: 5,
        applied: 0,
        pending: 5,
        unrecognized: 0,
        level: null,
        upToDate: false,
      });
    } finally {
      hub.close();
    }
  });

  it('reports up to date after opening, with the newest migration as the level', () => {
    const hub = openDatabase('hub', ':memory:');
    const auth = openDatabase('auth', ':memory:');
    try {
      expect(migrationStatus('hub', hub.sqlite)).toEqual({
        kind: 'hub',
        available: 5,
        applied: 5,
        pending: 0,
        unrecognized: 0,
        level: '0004_audit_retention',
        upToDate: true,
      });
      expect(migrationStatus('auth', auth.sqlite)).toMatchObject({
        applied: 2,
        level: '0001_did_connect_sessions',
        upToDate: true,
      });
    } finally {
      hub.close();
      auth.close();
    }
  });

  it('upgrades a database migrated by an older build (only the first hub migration applied)', () => {
    // An "older build": the same migrations folder with the journal cut after the first entry.
    const oldFolder = join(dir, 'old-hub');
    cpSync(migrationsFolder('hub'), oldFolder, { recursive: true });
    const journalFile = join(oldFolder, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: unknown[] };
    journal.entries = journal.entries.slice(0, 1);
    writeFileSync(journalFile, JSON.stringify(journal));

    const file = join(dir, 'hub.db');
    openDatabase('hub', file, { migrationsFolder: oldFolder }).close();

    const before = openDatabase('hub', file, { migrate: false });
    try {
      expect(migrationStatus('hub', before.sqlite)).toMatchObject({
        applied: 1,
        pending: 4,
        level: '0000_init',
        upToDate: false,
      });
      // No triggers yet, so the old schema still allows rewriting the audit trail.
      expect(triggerNames(before.sqlite)).toEqual([]);
    } finally {
      before.close();
    }

    const after = openDatabase('hub', file);
    try {
      expect(migrationStatus('hub', after.sqlite)).toMatchObject({ applied: 5, pending: 0, upToDate: true });
      expect(triggerNames(after.sqlite)).toEqual([
        'audit_events_no_delete',
        'audit_events_no_update',
        'audit_head_forward_only',
        'audit_head_no_delete',
      ]);
    } finally {
      after.close();
    }
  });

  it('flags a database migrated by a newer build as not up to date', () => {
    const file = join(dir, 'hub.db');
    openDatabase('hub', file).close();
    const newer = openDatabase('hub', file, { migrate: false });
    newer.sqlite
      .prepare(`insert into "${MIGRATIONS_TABLE}" (hash, created_at) values ('future', ?)`)
      .run(Date.now() + 365 * 24 * 3600 * 1000);
    newer.close();

    // Opening with migrations enabled must neither fail nor hide the downgrade.
    const reopened = openDatabase('hub', file);
    try {
      expect(migrationStatus('hub', reopened.sqlite)).toEqual({
        kind: 'hub',
        available: 5,
        applied: 6,
        pending: 0,
        unrecognized: 1,
        level: '0004_audit_retention',
        upToDate: false,
      });
    } finally {
      reopened.close();
    }
  });
});

function triggerNames(sqlite: SqliteConnection): string[] {
  return sqlite
    .prepare<[], { name: string }>("select name from sqlite_master where type = 'trigger' order by name")
    .all()
    .map((row) => row.name);
}
