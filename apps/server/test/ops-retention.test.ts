/**
 * Audit retention, end to end: `aigne-hub audit prune` removes old events behind checkpoints, `aigne-hub audit
 * verify` proves the rest from the checkpoint and checks the end of the chain against the head recorded outside
 * the trail. Then every way of removing events that is not a checkpointed prune, done to a copy of hub.db the way
 * someone with file access would (append-only triggers dropped first), must be reported.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  AUDIT_CHECKPOINT_ACTION,
  encodeMasterKey,
  generateMasterKey,
  readCheckpoint,
  type AuditEvent,
} from '@aigne-hub/core';
import { AUDIT_APPEND_ONLY_MESSAGE, openDatabase, type SqliteConnection } from '@aigne-hub/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env';
import { SYSTEM_ACTOR, iterateEvents, writeTransaction } from '../src/audit/audit-trail';
import { pruneAuditTrail } from '../src/ops/audit-retention';
import { CLI_ACTOR, openExistingHub } from '../src/runtime/offline';
import { runHubCli, silent, startHubOn, tempDir, withHub } from './cli-helpers';

const KEY = encodeMasterKey(generateMasterKey());
const DAY = 24 * 60 * 60 * 1000;
/** Events are written from 100 days ago, one every 5 days: seq 1 is `system.initialize`, then 20 more. */
const T0 = Date.now() - 100 * DAY;
const dirs: string[] = [];
let source: string;

function dir(prefix: string): string {
  const created = tempDir(prefix);
  dirs.push(created);
  return created;
}

const vars = (dataDir: string) => ({ HUB_DATA_DIR: dataDir, HUB_ENCRYPTION_KEYS: KEY });
const cli = (dataDir: string, ...args: string[]) => runHubCli(args, vars(dataDir));

/** A copy of a data folder's hub.db (everything checkpointed into the file first). */
function copyOf(from: string): string {
  const to = dir('hub-retention-copy-');
  const opened = openDatabase('hub', path.join(from, 'hub.db'), { migrate: false });
  opened.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  opened.sqlite.close();
  fs.copyFileSync(path.join(from, 'hub.db'), path.join(to, 'hub.db'));
  return to;
}

/** Changes a copy as an attacker with file access would: triggers dropped, then `tamper`. */
function tampered(from: string, tamper: (db: SqliteConnection) => void): string {
  const to = copyOf(from);
  const opened = openDatabase('hub', path.join(to, 'hub.db'), { migrate: false });
  try {
    opened.sqlite.exec(`DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;
      DROP TRIGGER audit_head_no_delete; DROP TRIGGER audit_head_forward_only;`);
    tamper(opened.sqlite);
  } finally {
    opened.close();
  }
  return to;
}

/** The audit events of a (stopped) data folder, oldest first. */
const events = (dataDir: string): AuditEvent[] =>
  withHub(vars(dataDir), (hub) => [...iterateEvents(hub.services.hubDb)]);
const headRow = (db: SqliteConnection) =>
  db.prepare('SELECT seq, hash, mac FROM audit_head').get() as { seq: number; hash: string; mac: string };
const NO_REQUEST = { requestId: null, ip: null, userAgent: null };

beforeAll(async () => {
  source = dir('hub-retention-');
  let now = T0;
  const hub = await startHubOn(vars(source), () => new Date(now));
  try {
    for (let i = 1; i <= 20; i++) {
      now = T0 + i * 5 * DAY;
      hub.services.audit.record(
        { did: 'did:abt:zOperator', role: 'owner', via: 'session' },
        { requestId: `r${i}`, ip: '192.0.2.7', userAgent: 'test' },
        { action: 'providers.update', outcome: 'success', targetType: 'provider', targetId: `p${i}` },
      );
    }
  } finally {
    await hub.close();
  }
});
afterAll(() => {
  for (const created of dirs) fs.rmSync(created, { recursive: true, force: true });
});

describe('aigne-hub audit prune', () => {
  it('does nothing while retention is off, and says how to prune anyway', () => {
    const result = cli(copyOf(source), 'audit', 'prune');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      'Audit retention is off (setting audit.retentionDays is 0): nothing pruned.\nSet a retention in the admin app, or pass --older-than <days>.\n',
    );
  });

  it('counts without changing anything on --dry-run', () => {
    const copy = copyOf(source);
    const result = cli(copy, 'audit', 'prune', '--older-than', '32', '--dry-run');
    expect(result.stderr).toBe('');
    // Events at 100, 95, ..., 35 days ago (seq 1-14) are older than 32 days.
    expect(result.stdout).toMatch(
      /^Would prune 14 audit event\(s\) older than 32 day\(s\) \(before .+\): seq 1-14\.\n$/,
    );
    expect(events(copy)).toHaveLength(21);
  });

  it('removes old events behind a checkpoint; verify then proves the rest from it', () => {
    const copy = copyOf(source);
    const before = events(copy);
    const result = cli(copy, 'audit', 'prune', '--older-than', '32');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const after = events(copy);
    // Kept: seq 15-21 (35 days ago is seq 14), then the checkpoint (22) and the run's own event (23).
    expect(after.map((row) => row.seq)).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23]);
    const checkpoint = after[7]!;
    expect(checkpoint).toMatchObject({ action: AUDIT_CHECKPOINT_ACTION, via: 'cli', targetId: '1-14' });
    expect(readCheckpoint(checkpoint)).toEqual({
      fromSeq: 1,
      toSeq: 14,
      count: 14,
      firstTs: before[0]!.ts,
      lastTs: before[13]!.ts,
      prefixHash: before[13]!.hash,
      anchorHash: '0'.repeat(64),
    });
    expect(checkpoint.details).toMatchObject({ retentionDays: 32, runId: checkpoint.requestId });
    const run = after[8]!;
    expect(run).toMatchObject({
      action: 'audit.prune',
      outcome: 'success',
      via: 'cli',
      requestId: checkpoint.requestId,
      details: { prunedCount: 14, fromSeq: 1, toSeq: 14, checkpointSeqs: [22], stopped: false },
    });
    expect(result.stdout).toContain('Pruned 14 audit event(s) older than 32 day(s)');
    expect(result.stdout).toContain('checkpoint event(s) at seq 22; run recorded as audit.prune at seq 23');

    const verify = cli(copy, 'audit', 'verify');
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
    expect(verify.stdout).toBe(
      `Audit trail OK: 9 event(s) verified; head seq 23, hash ${run.hash}\n` +
        `  verified from the checkpoint at seq 22: events through seq 14 were pruned by retention (this checkpoint removed seq 1-14, ${before[0]!.ts} to ${before[13]!.ts}; prefix hash ${before[13]!.hash})\n`,
    );

    // Nothing is older than the retention any more.
    expect(cli(copy, 'audit', 'prune', '--older-than', '32').stdout).toMatch(/^Nothing to prune: /);
  });

  it('prunes in batches, each with its own checkpoint, and a second run continues from the newest', async () => {
    const copy = copyOf(source);
    const hub = openExistingHub(loadEnv(vars(copy)), silent);
    try {
      const first = await pruneAuditTrail(hub.services, {
        retentionDays: 62,
        now: new Date(),
        actor: CLI_ACTOR,
        request: { requestId: 'run-1', ip: null, userAgent: null },
        batchSize: 3,
      });
      // 100..65 days ago: seq 1-8, in batches 1-3, 4-6, 7-8.
      expect(first.batches).toEqual([
        { checkpointSeq: 22, fromSeq: 1, toSeq: 3 },
        { checkpointSeq: 23, fromSeq: 4, toSeq: 6 },
        { checkpointSeq: 24, fromSeq: 7, toSeq: 8 },
      ]);
      expect(first).toMatchObject({ prunedCount: 8, eventSeq: 25, stopped: false });
      const second = await pruneAuditTrail(hub.services, {
        retentionDays: 32,
        now: new Date(),
        actor: CLI_ACTOR,
        request: { requestId: 'run-2', ip: null, userAgent: null },
      });
      expect(second.batches).toEqual([{ checkpointSeq: 26, fromSeq: 9, toSeq: 14 }]);
      const result = hub.services.audit.verify();
      expect(result).toMatchObject({
        ok: true,
        count: 13,
        headRecord: 'sealed',
        checkpoint: { seq: 26, fromSeq: 9, toSeq: 14, count: 6 },
      });
    } finally {
      hub.close();
    }
  });

  it('is done by the hub itself when the retention setting asks for it (as the system)', async () => {
    const copy = copyOf(source);
    const hub = await startHubOn(vars(copy));
    try {
      writeTransaction(hub.services.hubDb, (tx) =>
        hub.services.settings.update(tx, { audit: { retentionDays: 52 } }, null),
      );
      const report = await hub.retention.run();
      expect(report).toMatchObject({ retentionDays: 52, prunedCount: 10, fromSeq: 1, toSeq: 10 });
      const run = hub.services.hubDb.$client
        .prepare("SELECT via, actor_did, outcome FROM audit_events WHERE action = 'audit.prune'")
        .all();
      expect(run).toEqual([{ via: SYSTEM_ACTOR.via, actor_did: null, outcome: 'success' }]);
      expect(hub.services.audit.verify()).toMatchObject({ ok: true, checkpoint: { toSeq: 10 } });
    } finally {
      await hub.close();
    }
  });

  it('refuses to prune a range that does not verify, and records the refusal', () => {
    const copy = tampered(source, (db) => {
      db.prepare("UPDATE audit_events SET target_id = 'p-edited' WHERE seq = 5").run();
    });
    const result = cli(copy, 'audit', 'prune', '--older-than', '32');
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'aigne-hub: the audit trail does not verify at seq 5 (edited); nothing from there on was pruned, so that the evidence stays: run aigne-hub audit verify\n',
    );
    const rows = events(copy);
    expect(rows.map((row) => row.seq).slice(0, 3)).toEqual([1, 2, 3]);
    expect(rows.at(-1)).toMatchObject({ action: 'audit.prune', outcome: 'error', via: 'cli' });
  });

  it('refuses bad --older-than values as usage errors', () => {
    const result = cli(copyOf(source), 'audit', 'prune', '--older-than', '0');
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'aigne-hub: --older-than must be a whole number of days between 1 and 36500\n',
    );
  });
});

describe('the database refuses other deletions', () => {
  it('refuses deleting audit events no checkpoint accounts for, and removing the head record', () => {
    const copy = copyOf(source);
    const opened = openDatabase('hub', path.join(copy, 'hub.db'), { migrate: false });
    try {
      expect(() => opened.sqlite.prepare('DELETE FROM audit_events WHERE seq <= 3').run()).toThrow(
        AUDIT_APPEND_ONLY_MESSAGE,
      );
      expect(() => opened.sqlite.prepare('DELETE FROM audit_head').run()).toThrow(
        'audit_head cannot be removed',
      );
      expect(() => opened.sqlite.prepare('UPDATE audit_head SET seq = 3').run()).toThrow(
        'audit_head only moves forward',
      );
    } finally {
      opened.close();
    }
  });
});

describe('aigne-hub audit verify finds', () => {
  let pruned: string;
  let prunedRows: AuditEvent[];
  beforeAll(() => {
    pruned = copyOf(source);
    expect(cli(pruned, 'audit', 'prune', '--older-than', '32').status).toBe(0);
    prunedRows = events(pruned);
  });
  const verify = (dataDir: string) => cli(dataDir, 'audit', 'verify');
  const broken = (dataDir: string) => {
    const result = verify(dataDir);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    return result.stderr;
  };
  it('the newest events removed (a truncated tail)', () => {
    const copy = tampered(source, (db) => db.prepare('DELETE FROM audit_events WHERE seq >= 19').run());
    expect(broken(copy)).toBe(
      'aigne-hub: audit trail BROKEN at seq 21 (no such event, event 19 in order): truncated: The trail ends at seq 18, but its recorded head is seq 21: the 3 newest events were removed\n',
    );
  });

  it('the oldest events removed without a checkpoint', () => {
    const rows = events(source);
    const copy = tampered(source, (db) => db.prepare('DELETE FROM audit_events WHERE seq <= 4').run());
    expect(broken(copy)).toBe(
      `aigne-hub: audit trail BROKEN at seq 5 (id ${rows[4]!.id}, event 1 in order): missing_checkpoint: The trail starts at seq 5: the 4 events before seq 5 were removed without a checkpoint\n`,
    );
  });

  it('events removed right after a checkpointed prune', () => {
    const copy = tampered(pruned, (db) => db.prepare('DELETE FROM audit_events WHERE seq <= 16').run());
    expect(broken(copy)).toBe(
      `aigne-hub: audit trail BROKEN at seq 17 (id ${prunedRows[2]!.id}, event 1 in order): deleted: 2 events are missing before seq 17: the newest checkpoint (seq 22) accounts only for events through seq 14\n`,
    );
  });

  it('the checkpoint itself removed', () => {
    const copy = tampered(pruned, (db) => db.prepare('DELETE FROM audit_events WHERE seq = 22').run());
    expect(broken(copy)).toMatch(
      /^aigne-hub: audit trail BROKEN at seq 15 \(.*\): missing_checkpoint: The trail starts at seq 15: the 14 events before seq 15 were removed without a checkpoint\n$/,
    );
  });

  it('a forged checkpoint hiding removed events', () => {
    const rows = events(source);
    const copy = tampered(source, (db) => {
      db.prepare('DELETE FROM audit_events WHERE seq <= 4').run();
      db.prepare(
        `INSERT INTO audit_events (seq, id, ts, action, outcome, details, prev_hash, hash) VALUES (22, 'forged', ?, ?, 'success', ?, ?, ?)`,
      ).run(
        new Date().toISOString(),
        AUDIT_CHECKPOINT_ACTION,
        JSON.stringify({
          anchorHash: '0'.repeat(64),
          count: 4,
          firstTs: '2025-01-01T00:00:00.000Z',
          fromSeq: 1,
          lastTs: '2025-01-02T00:00:00.000Z',
          prefixHash: rows[3]!.hash,
          toSeq: 4,
        }),
        rows[20]!.hash,
        'f'.repeat(64),
      );
    });
    expect(broken(copy)).toMatch(
      /^aigne-hub: audit trail BROKEN at seq 5 \(.*\): missing_checkpoint: The trail starts at seq 5, and the checkpoint at seq 22 that would account for the 4 events before seq 5 is not authentic\n$/,
    );
  });

  it('the head record removed', () => {
    const copy = tampered(source, (db) => db.prepare('DELETE FROM audit_head').run());
    expect(broken(copy)).toMatch(/^aigne-hub: audit trail BROKEN at seq 21 \(id .*\): head_missing: /);
  });

  it('a head record rewritten to match a truncated chain, without the key', () => {
    const copy = tampered(source, (db) => {
      db.prepare('DELETE FROM audit_events WHERE seq >= 19').run();
      const last = db.prepare('SELECT seq, hash FROM audit_events WHERE seq = 18').get() as {
        seq: number;
        hash: string;
      };
      db.prepare('UPDATE audit_head SET seq = ?, hash = ?').run(last.seq, last.hash);
    });
    expect(broken(copy)).toMatch(/^aigne-hub: audit trail BROKEN at seq 18 \(id .*\): head_invalid: /);
  });

  it('a head record set back to an older, genuinely sealed one', () => {
    // The attacker kept the head record from before the prune, when the chain ended at seq 21.
    const before = openDatabase('hub', path.join(copyOf(source), 'hub.db'), { migrate: false });
    const older = headRow(before.sqlite);
    before.close();
    const copy = tampered(pruned, (db) =>
      db.prepare('UPDATE audit_head SET seq = ?, hash = ?, mac = ?').run(older.seq, older.hash, older.mac),
    );
    expect(broken(copy)).toMatch(
      /^aigne-hub: audit trail BROKEN at seq 22 \(id .*\): head_mismatch: The trail continues past its recorded head \(seq 21\) to seq 23: /,
    );
  });

  it('and keeps finding a truncated tail after the hub appended more events', () => {
    const copy = tampered(source, (db) => db.prepare('DELETE FROM audit_events WHERE seq >= 19').run());
    withHub(vars(copy), (hub) => {
      hub.services.audit.record(CLI_ACTOR, NO_REQUEST, {
        action: 'users.setRole',
        outcome: 'success',
      });
    });
    // The record stays at seq 21 as evidence instead of following the new event (seq 19).
    expect(broken(copy)).toMatch(/truncated: The trail ends at seq 19, but its recorded head is seq 21/);
  });
});

describe('a trail upgraded from before head records', () => {
  it('verifies with an unsealed head, which the next event seals', () => {
    const copy = copyOf(source);
    const opened = openDatabase('hub', path.join(copy, 'hub.db'), { migrate: false });
    // What the upgrade writes: the existing head, without a seal (SQL has no audit key).
    opened.sqlite.prepare('UPDATE audit_head SET mac = NULL').run();
    opened.close();
    const before = cli(copy, 'audit', 'verify');
    expect(before.status).toBe(0);
    expect(before.stdout).toContain(
      '  the recorded head is not sealed yet (written by the upgrade); the next audited change seals it\n',
    );
    withHub(vars(copy), (hub) => {
      hub.services.audit.record(CLI_ACTOR, NO_REQUEST, {
        action: 'users.setRole',
        outcome: 'success',
      });
      expect(hub.services.audit.verify()).toMatchObject({ ok: true, count: 22, headRecord: 'sealed' });
      expect(headRow(hub.services.hubDb.$client)).toMatchObject({
        seq: 22,
        mac: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
      });
    });
  });
});
