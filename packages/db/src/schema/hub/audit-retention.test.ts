/**
 * The `audit_retention` migration in the database itself: audit events may be deleted only when the newest
 * checkpoint accounts for them; the head record outside the trail cannot be removed or moved back; and an existing
 * trail gets its head recorded on upgrade. Raw SQL on purpose: these rules hold below any client.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteConnection } from '../../client';
import { migrationsFolder } from '../../migrations';
import { createTestDatabases } from '../../testing';
import { AUDIT_APPEND_ONLY_MESSAGE } from './audit-events';
import { AUDIT_HEAD_BACKWARDS_MESSAGE, AUDIT_HEAD_REMOVE_MESSAGE } from './audit-head';

let dbs: ReturnType<typeof createTestDatabases>;
let hub: SqliteConnection;
beforeEach(() => {
  dbs = createTestDatabases();
  hub = dbs.hub.sqlite;
});
afterEach(() => dbs.close());

const TS = '2025-01-31T12:00:00.000Z';
const hashOf = (n: number) => n.toString(16).padStart(64, '0');

function insertEvent(
  sqlite: SqliteConnection,
  seq: number,
  action = 'ai.chat',
  details: object | null = null,
) {
  sqlite
    .prepare(
      'insert into audit_events (seq, id, ts, action, outcome, details, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    .run(
      seq,
      `evt-${seq}`,
      TS,
      action,
      'success',
      details === null ? null : JSON.stringify(details),
      seq === 1 ? null : hashOf(seq - 1),
      hashOf(seq),
    );
}
const seqs = () =>
  (hub.prepare('select seq from audit_events order by seq').all() as { seq: number }[]).map((row) => row.seq);
const remove = (where: string) => hub.prepare(`delete from audit_events where ${where}`).run().changes;

describe('deleting audit events', () => {
  beforeEach(() => {
    for (let seq = 1; seq <= 6; seq++) insertEvent(hub, seq);
  });

  it('is refused without a checkpoint', () => {
    expect(() => remove('seq <= 2')).toThrow(
      expect.objectContaining({ code: 'SQLITE_CONSTRAINT_TRIGGER', message: AUDIT_APPEND_ONLY_MESSAGE }),
    );
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('is allowed for exactly the events the newest checkpoint accounts for', () => {
    insertEvent(hub, 7, 'audit.checkpoint', { fromSeq: 1, toSeq: 3 });
    expect(() => remove('seq = 4')).toThrow(AUDIT_APPEND_ONLY_MESSAGE);
    expect(() => remove('seq <= 4')).toThrow(AUDIT_APPEND_ONLY_MESSAGE);
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(remove('seq <= 3')).toBe(3);
    expect(seqs()).toEqual([4, 5, 6, 7]);
  });

  it('never lets a checkpoint remove itself, nor an older checkpoint authorize more', () => {
    insertEvent(hub, 7, 'audit.checkpoint', { fromSeq: 1, toSeq: 5 });
    insertEvent(hub, 8, 'audit.checkpoint', { fromSeq: 1, toSeq: 2 });
    expect(() => remove('seq = 4')).toThrow(AUDIT_APPEND_ONLY_MESSAGE);
    expect(() => remove('seq = 8')).toThrow(AUDIT_APPEND_ONLY_MESSAGE);
    expect(remove('seq <= 2')).toBe(2);
  });

  it('is refused for an event of another action that merely carries a toSeq', () => {
    insertEvent(hub, 7, 'audit.prune', { toSeq: 6 });
    expect(() => remove('seq = 1')).toThrow(AUDIT_APPEND_ONLY_MESSAGE);
  });

  it('still refuses every UPDATE, also of covered events', () => {
    insertEvent(hub, 7, 'audit.checkpoint', { fromSeq: 1, toSeq: 3 });
    expect(() => hub.prepare("update audit_events set reason = 'x' where seq = 1").run()).toThrow(
      AUDIT_APPEND_ONLY_MESSAGE,
    );
  });
});

describe('audit_head', () => {
  const setHead = (seq: number, hash: string, mac: string | null = null) =>
    hub
      .prepare(
        `insert into audit_head (id, seq, hash, mac) values (1, ?, ?, ?)
         on conflict(id) do update set seq = excluded.seq, hash = excluded.hash, mac = excluded.mac`,
      )
      .run(seq, hash, mac);
  const head = () => hub.prepare('select id, seq, hash, mac from audit_head').all();

  it('holds one row that moves forward', () => {
    expect(() => hub.prepare("insert into audit_head (id, seq, hash) values (1, 0, 'x')").run()).toThrow(
      /CHECK constraint failed: audit_head_seq_check/,
    );
    setHead(3, hashOf(3));
    setHead(3, hashOf(3), 'a'.repeat(64)); // sealing the same head
    setHead(9, hashOf(9), 'b'.repeat(64));
    expect(head()).toEqual([{ id: 1, seq: 9, hash: hashOf(9), mac: 'b'.repeat(64) }]);
    expect(() => hub.prepare("insert into audit_head (id, seq, hash) values (2, 10, 'x')").run()).toThrow(
      /CHECK constraint failed: audit_head_single_row/,
    );
  });

  it('refuses moving back, or replacing the hash at the same position', () => {
    setHead(9, hashOf(9), 'b'.repeat(64));
    expect(() => setHead(8, hashOf(8), 'c'.repeat(64))).toThrow(
      expect.objectContaining({ code: 'SQLITE_CONSTRAINT_TRIGGER', message: AUDIT_HEAD_BACKWARDS_MESSAGE }),
    );
    expect(() => setHead(9, hashOf(99), 'c'.repeat(64))).toThrow(AUDIT_HEAD_BACKWARDS_MESSAGE);
    expect(head()).toEqual([{ id: 1, seq: 9, hash: hashOf(9), mac: 'b'.repeat(64) }]);
  });

  it('refuses removal, also through INSERT OR REPLACE', () => {
    setHead(9, hashOf(9), 'b'.repeat(64));
    expect(() => hub.prepare('delete from audit_head').run()).toThrow(
      expect.objectContaining({ code: 'SQLITE_CONSTRAINT_TRIGGER', message: AUDIT_HEAD_REMOVE_MESSAGE }),
    );
    expect(() =>
      hub.prepare("insert or replace into audit_head (id, seq, hash) values (1, 20, 'x')").run(),
    ).toThrow(AUDIT_HEAD_REMOVE_MESSAGE);
    expect(head()).toHaveLength(1);
  });
});

describe('upgrading a hub that already has an audit trail', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aigne-hub-retention-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The migrations of the build before this one (journal cut before `0003_audit_head`). */
  function olderBuild(): string {
    const folder = join(dir, 'old-hub');
    cpSync(migrationsFolder('hub'), folder, { recursive: true });
    const journalFile = join(folder, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
    journal.entries = journal.entries.filter((entry) => entry.tag < '0003');
    writeFileSync(journalFile, JSON.stringify(journal));
    return folder;
  }

  it('records the existing head, unsealed', () => {
    const file = join(dir, 'hub.db');
    const old = openDatabase('hub', file, { migrationsFolder: olderBuild() });
    for (let seq = 1; seq <= 4; seq++) insertEvent(old.sqlite, seq);
    old.close();

    const upgraded = openDatabase('hub', file);
    try {
      expect(upgraded.sqlite.prepare('select id, seq, hash, mac from audit_head').all()).toEqual([
        { id: 1, seq: 4, hash: hashOf(4), mac: null },
      ]);
    } finally {
      upgraded.close();
    }
  });

  it('records nothing for an empty trail', () => {
    const file = join(dir, 'hub.db');
    openDatabase('hub', file, { migrationsFolder: olderBuild() }).close();
    const upgraded = openDatabase('hub', file);
    try {
      expect(upgraded.sqlite.prepare('select count(*) as n from audit_head').get()).toEqual({ n: 0 });
    } finally {
      upgraded.close();
    }
  });
});
