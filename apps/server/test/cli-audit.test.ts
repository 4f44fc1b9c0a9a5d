/**
 * Tampering with a copy of hub.db the way an attacker with file access would (dropping the append-only
 * triggers first), then running the real `aigne-hub audit verify` on it: it must exit 1 and name the first bad
 * event. Also `audit export` on an intact copy.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { encodeMasterKey, generateMasterKey, type AuditEvent } from '@aigne-hub/core';
import { openDatabase, type SqliteConnection } from '@aigne-hub/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runHubCli, startHubOn, tempDir } from './cli-helpers';

const KEY = encodeMasterKey(generateMasterKey());
const T0 = Date.parse('2025-03-01T09:00:00.000Z');
let source: string;
/** seq -> { id, hash } of the intact trail. */
const original = new Map<number, { id: string; hash: string; ts: string }>();
const copies: string[] = [];

beforeAll(async () => {
  source = tempDir('hub-audit-src-');
  let tick = 0;
  const hub = await startHubOn(
    { HUB_DATA_DIR: source, HUB_ENCRYPTION_KEYS: KEY },
    () => new Date(T0 + tick++ * 60_000),
  );
  try {
    const actions = [
      'auth.login',
      'apiKeys.create',
      'providers.create',
      'credentials.create',
      'users.setRole',
      'ai.chat',
      'auth.logout',
    ];
    for (const [index, action] of actions.entries()) {
      hub.services.audit.record(
        { did: 'did:abt:zOperator', role: 'owner', via: 'session' },
        { requestId: `r${index}`, ip: '192.0.2.7', userAgent: 'test' },
        {
          action,
          outcome: 'success',
          targetType: 'thing',
          targetId: `t${index}`,
          details: { n: index },
        },
      );
    }
    // Everything into hub.db itself before copying it.
    hub.services.hubDb.$client.pragma('wal_checkpoint(TRUNCATE)');
    const rows = hub.services.hubDb.$client
      .prepare('SELECT seq, id, hash, ts FROM audit_events ORDER BY seq')
      .all() as {
      seq: number;
      id: string;
      hash: string;
      ts: string;
    }[];
    for (const row of rows) original.set(row.seq, row);
  } finally {
    await hub.close();
  }
  expect(original.size).toBe(8); // system.initialize + 7
});
afterAll(() => {
  for (const dir of [source, ...copies]) fs.rmSync(dir, { recursive: true, force: true });
});

/** A copy of the data folder's hub.db, changed by `tamper` with the append-only triggers dropped. */
function tamperedCopy(tamper: (db: SqliteConnection) => void): string {
  const dir = tempDir('hub-audit-copy-');
  copies.push(dir);
  fs.copyFileSync(path.join(source, 'hub.db'), path.join(dir, 'hub.db'));
  const opened = openDatabase('hub', path.join(dir, 'hub.db'), { migrate: false });
  try {
    opened.sqlite.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
    tamper(opened.sqlite);
  } finally {
    opened.close();
  }
  return dir;
}

const verify = (dir: string, key = KEY) =>
  runHubCli(['audit', 'verify'], { HUB_DATA_DIR: dir, HUB_ENCRYPTION_KEYS: key });

/** What a forger without the audit key can write: a plausible row with a made-up hash. */
function forgedRow(db: SqliteConnection, seq: number, prevHash: string): string {
  const id = randomUUID();
  db.prepare(
    `INSERT INTO audit_events (seq, id, ts, actor_did, actor_role, via, action, outcome, details, prev_hash, hash)
     VALUES (?, ?, ?, 'did:abt:zAttacker', 'owner', 'session', 'users.setRole', 'success', '{"to":"owner"}', ?, ?)`,
  ).run(seq, id, '2025-03-01T09:03:30.000Z', prevHash, 'f'.repeat(64));
  return id;
}

describe('aigne-hub audit verify', () => {
  it('passes an intact copy, printing the count and head hash', () => {
    const dir = tamperedCopy(() => undefined);
    const result = verify(dir);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      `Audit trail OK: 8 event(s) verified; head seq 8, hash ${original.get(8)!.hash}\n`,
    );
  });

  it('finds an edited event', () => {
    const dir = tamperedCopy((db) =>
      db.prepare('UPDATE audit_events SET details = ? WHERE seq = 4').run('{"n":99}'),
    );
    const result = verify(dir);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      new RegExp(
        `^aigne-hub: audit trail BROKEN at seq 4 \\(id ${original.get(4)!.id}, event 4 in order\\): edited: .*\\n$`,
      ),
    );
  });

  it('finds a deleted event (named by the event after the gap)', () => {
    const dir = tamperedCopy((db) => db.prepare('DELETE FROM audit_events WHERE seq = 4').run());
    const result = verify(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `aigne-hub: audit trail BROKEN at seq 5 (id ${original.get(5)!.id}, event 4 in order): deleted: 1 event is missing before seq 5 (expected seq 4)\n`,
    );
  });

  it('finds a forged event inserted in the middle (later events renumbered to make room)', () => {
    let forged = '';
    const dir = tamperedCopy((db) => {
      for (let seq = 8; seq >= 4; seq -= 1)
        db.prepare('UPDATE audit_events SET seq = ? WHERE seq = ?').run(seq + 1, seq);
      forged = forgedRow(db, 4, original.get(3)!.hash);
    });
    const result = verify(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`^aigne-hub: audit trail BROKEN at seq 4 \\(id ${forged}, event 4 in order\\): `),
    );
  });

  it('finds a forged event inserted before the first one', () => {
    let forged = '';
    const dir = tamperedCopy((db) => {
      forged = forgedRow(db, 0, '0'.repeat(64));
    });
    const result = verify(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`^aigne-hub: audit trail BROKEN at seq 0 \\(id ${forged}, event 1 in order\\): inserted: `),
    );
  });

  it('finds a forged event appended at the head', () => {
    let forged = '';
    const dir = tamperedCopy((db) => {
      forged = forgedRow(db, 9, original.get(8)!.hash);
    });
    const result = verify(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`^aigne-hub: audit trail BROKEN at seq 9 \\(id ${forged}, event 9 in order\\): edited: `),
    );
  });

  it('finds two swapped events', () => {
    const dir = tamperedCopy((db) => {
      db.prepare('UPDATE audit_events SET seq = -1 WHERE seq = 4').run();
      db.prepare('UPDATE audit_events SET seq = 4 WHERE seq = 5').run();
      db.prepare('UPDATE audit_events SET seq = 5 WHERE seq = -1').run();
    });
    const result = verify(dir);
    expect(result.status).toBe(1);
    // In seq order the former 5th event now comes 4th: it is the first one out of place.
    expect(result.stderr).toMatch(
      new RegExp(
        `^aigne-hub: audit trail BROKEN at seq 4 \\(id ${original.get(5)!.id}, event 4 in order\\): reordered: `,
      ),
    );
  });

  it('cannot be run with another master key', () => {
    const dir = tamperedCopy(() => undefined);
    const result = verify(dir, encodeMasterKey(generateMasterKey()));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^aigne-hub: the configured master key cannot decrypt this data folder/);
  });
});

describe('aigne-hub audit export', () => {
  let dir: string;
  beforeAll(() => {
    dir = tamperedCopy(() => undefined);
  });
  const run = (...args: string[]) =>
    runHubCli(['audit', 'export', ...args], { HUB_DATA_DIR: dir, HUB_ENCRYPTION_KEYS: KEY });

  it('writes every event as NDJSON, oldest first', () => {
    const result = run();
    expect(result.status).toBe(0);
    const events = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditEvent);
    expect(events.map((event) => [event.seq, event.id, event.hash])).toEqual(
      [...original.entries()].map(([seq, row]) => [seq, row.id, row.hash]),
    );
    expect(events[3]).toMatchObject({ action: 'providers.create', ip: '192.0.2.7', details: { n: 2 } });
  });

  it('writes CSV with a header, and only events since a time', () => {
    const since = original.get(5)!.ts;
    const result = run('--format', 'csv', '--since', since);
    expect(result.status).toBe(0);
    const rows = result.stdout.split('\r\n');
    expect(rows[0]).toBe(
      'seq,id,ts,actorDid,actorRole,via,ip,userAgent,requestId,action,targetType,targetId,outcome,reason,details,prevHash,hash',
    );
    expect(rows.slice(1, -1).map((row) => row.split(',')[0])).toEqual(['"5"', '"6"', '"7"', '"8"']);
    expect(rows.at(-1)).toBe('');
  });

  it('stops quietly, exit 0, when the reader closes the pipe early (`| head`)', async () => {
    // Far more than a pipe buffer holds; export does not verify, so plain rows will do.
    const big = tamperedCopy((db) =>
      db
        .prepare(
          `WITH RECURSIVE n(i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n WHERE i < 3100)
           INSERT INTO audit_events (seq, id, ts, action, outcome, details, prev_hash, hash)
           SELECT i, 'bulk-' || i, '2025-03-02T00:00:00.000Z', 'test.bulk', 'success', json_object('pad', printf('%.500c', 'x')), NULL, printf('%064d', i) FROM n`,
        )
        .run(),
    );
    const child = spawn(process.execPath, [BIN, 'audit', 'export', '--data-dir', big], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', HUB_ENCRYPTION_KEYS: KEY },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });

  it('refuses a bad format or time as a usage error', () => {
    const format = run('--format', 'xml');
    expect(format.status).toBe(2);
    expect(format.stderr).toBe(
      "aigne-hub: option '--format <format>' argument 'xml' is invalid. Allowed choices are ndjson, csv. (see --help)\n",
    );
    const since = run('--since', 'last tuesday');
    expect(since.status).toBe(2);
    expect(since.stderr).toBe(
      'aigne-hub: --since must be an ISO-8601 date or time such as 2025-01-31 or 2025-01-31T12:00:00Z\n',
    );
    expect(since.stdout).toBe('');
  });
});
