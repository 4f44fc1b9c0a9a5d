/**
 * `aigne-hub backup` while the hub serves AI requests (a fake OpenAI on 127.0.0.1 behind it), then `aigne-hub
 * restore` into a new data folder: every credential decrypts to what was stored, the audit chain verifies, and the
 * usage records are exactly a consistent snapshot (each with its audit event and its charge). Then what restore
 * must refuse, each time leaving the data folder as it was.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  Keyring,
  decryptCredentialValue,
  encodeMasterKey,
  generateMasterKey,
  type StoredCredentialValue,
} from '@aigne-hub/core';
import { openDatabase, type SqliteConnection } from '@aigne-hub/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKeyFile } from '../src/keys/master-key';
import { listArchive, readMember } from '../src/ops/archive';
import { parseManifest, type BackupManifest } from '../src/ops/backup-manifest';
import type { RunningHub } from '../src/hub';
import { BIN, runHubCli, startHubOn, tempDir } from './cli-helpers';
import { FakeOpenAI } from './fakes/openai';
import { newWallet, signIn } from './helpers';

const SECRETS = [
  'sk-proj-backupFirstAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  'sk-proj-backupSecondBBBBBBBBBBBBBBBBBBBBBBBBBBB',
  'sk-proj-backupThirdCCCCCCCCCCCCCCCCCCCCCCCCCCCC',
];
const WORKERS = 6;

const dirs: string[] = [];
const dir = (prefix: string) => {
  const created = tempDir(prefix);
  dirs.push(created);
  return created;
};

let source: string;
let keyFile: string;
let backupFile: string;
let backupRun: { status: number | null; stdout: string; stderr: string };
let manifest: BackupManifest;
/** Credential id -> the api_key it was created with. */
const secretsById = new Map<string, string>();
/** Completed requests: before the backup started, while it ran, after it, and in all. */
const completed = { before: 0, during: 0, after: 0, total: 0 };
type Phase = 'before' | 'during' | 'after';
let fake: FakeOpenAI;

/** Runs the real CLI without blocking this process (the hub under load lives in it). */
function runCliAsync(args: string[], vars: Record<string, string>) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...vars },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Keeps `WORKERS` clients calling chat completions (half of them streamed) until `stop.now`. */
async function load(hub: RunningHub, apiKey: string, stop: { now: boolean }, phase: () => Phase) {
  const worker = async (n: number) => {
    for (let i = 0; !stop.now; i++) {
      const stream = (n + i) % 2 === 0;
      const response = await fetch(`${hub.url}/api/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'openai/gpt-4o-mini',
          stream,
          messages: [{ role: 'user', content: `request ${n}-${i}` }],
        }),
      });
      const body = await response.text();
      if (response.status !== 200 || (stream && !body.includes('[DONE]'))) {
        throw new Error(`request failed: ${response.status} ${body.slice(0, 200)}`);
      }
      completed[phase()] += 1;
      completed.total += 1;
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, n) => worker(n)));
}

beforeAll(async () => {
  source = dir('hub-backup-src-');
  keyFile = path.join(source, 'master.key');
  backupFile = path.join(dir('hub-backup-out-'), 'hub.backup.tar');
  fake = await FakeOpenAI.start({ keys: SECRETS });
  fake.chat = { chunks: 4, chunkDelayMs: 3 };
  const hub = await startHubOn({ HUB_DATA_DIR: source });
  try {
    const owner = await signIn(hub.url, newWallet(), hub.setupCode!);
    const admin = owner.session.trpc;
    const { id: providerId } = await admin.providers.create.mutate({
      kind: 'openai',
      name: 'openai',
      baseUrl: fake.baseUrl,
    });
    for (const [index, secret] of SECRETS.entries()) {
      const { id } = await admin.credentials.create.mutate({
        providerId,
        name: `key ${index}`,
        value: { api_key: secret },
      });
      secretsById.set(id, secret);
    }
    await admin.modelRates.upsert.mutate({
      provider: 'openai',
      model: 'gpt-4o-mini',
      type: 'chat',
      inputRate: 0.001,
      outputRate: 0.002,
    });
    await admin.config.update.mutate({ billing: { enabled: true } });
    await admin.users.grantCredits.mutate({ did: owner.user.did, amount: 1_000_000, reason: 'load test' });
    const { secret: apiKey } = await admin.apiKeys.create.mutate({ name: 'load', scopes: ['ai'] });

    const stop = { now: false };
    let phase: Phase = 'before';
    const running = load(hub, apiKey, stop, () => phase);
    while (completed.before < 30) await new Promise((resolve) => setTimeout(resolve, 20));
    phase = 'during';
    backupRun = await runCliAsync(['backup', backupFile], { HUB_DATA_DIR: source });
    phase = 'after';
    // A little more after the backup, so that the live hub ends up with more than the snapshot.
    while (completed.after < 20) await new Promise((resolve) => setTimeout(resolve, 20));
    stop.now = true;
    await running;
  } finally {
    await hub.close();
  }
  const members = listArchive(backupFile);
  manifest = parseManifest(readMember(backupFile, members[0]!, 1024 * 1024));
}, 120_000);

afterAll(async () => {
  await fake.close();
  for (const created of dirs) fs.rmSync(created, { recursive: true, force: true });
});

/** Opens a stopped data folder's hub.db for reading. */
function readDb<T>(dataDir: string, read: (db: SqliteConnection) => T): T {
  const opened = openDatabase('hub', path.join(dataDir, 'hub.db'), { migrate: false });
  try {
    return read(opened.sqlite);
  } finally {
    opened.sqlite.close();
  }
}
const count = (db: SqliteConnection, sql: string) => (db.prepare(sql).get() as { n: number }).n;

describe('aigne-hub backup under load', () => {
  it('writes one tar file with a manifest, and says where the key is and that both are needed', () => {
    expect(backupRun.stderr).toBe('');
    expect(backupRun.status).toBe(0);
    expect(completed.during).toBeGreaterThan(0);
    const keyId = new Keyring(readKeyFile(keyFile)).activeKeyId;
    expect(backupRun.stdout).toContain(
      `Backup written: ${backupFile} (${fs.statSync(backupFile).size} bytes)\n`,
    );
    expect(backupRun.stdout).toContain(`  master key ids:  ${keyId}\n`);
    expect(backupRun.stdout).toContain(
      `The master key is NOT in this backup. It is in the key file ${keyFile}.\n`,
    );
    expect(backupRun.stdout).toContain(`a restore needs BOTH (key id(s) ${keyId})`);
    expect(fs.statSync(backupFile).mode & 0o777).toBe(0o600);
    expect(listArchive(backupFile).map((member) => member.name)).toEqual([
      'manifest.json',
      'hub.db',
      'auth.db',
    ]);
    expect(manifest).toMatchObject({
      format: 'aigne-hub-backup',
      formatVersion: 1,
      hubVersion: '0.1.0',
      keyIds: [keyId],
      migrations: { hub: '0004_audit_retention', auth: '0001_did_connect_sessions' },
      counts: { credentials: 3, users: 1, apiKeys: 1 },
    });
    // A snapshot taken in the middle of the load: more than before it started, less than in the end.
    const live = readDb(source, (db) => count(db, 'SELECT count(*) AS n FROM usage_records'));
    expect(live).toBe(completed.total);
    expect(manifest.counts.usageRecords).toBeGreaterThanOrEqual(completed.before);
    expect(manifest.counts.usageRecords).toBeLessThan(live);
    // Not a byte of key material in the file.
    const bytes = fs.readFileSync(backupFile);
    for (const key of readKeyFile(keyFile)) {
      expect(bytes.includes(Buffer.from(encodeMasterKey(key)))).toBe(false);
      expect(bytes.includes(key)).toBe(false);
    }
    for (const secret of SECRETS) expect(bytes.includes(Buffer.from(secret))).toBe(false);
  });

  it('can be listed by the system tar', async () => {
    const listing = await new Promise<string>((resolve, reject) => {
      const child = spawn('tar', ['-tvf', backupFile]);
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (status) =>
        status === 0 ? resolve(out) : reject(new Error(`tar exited ${status}`)),
      );
    });
    expect(
      listing
        .trim()
        .split('\n')
        .map((line) => line.split(/\s+/).at(-1)),
    ).toEqual(['manifest.json', 'hub.db', 'auth.db']);
  });
});

describe('aigne-hub restore', () => {
  let restored: string;
  let restoreRun: { status: number | null; stdout: string; stderr: string };
  beforeAll(() => {
    restored = dir('hub-restored-');
    restoreRun = runHubCli(['restore', backupFile], { HUB_DATA_DIR: restored, HUB_KEY_FILE: keyFile });
  });

  it('restores into a new data folder and reports what it checked', () => {
    expect(restoreRun.stderr).toBe('');
    expect(restoreRun.status).toBe(0);
    const head = manifest.audit.head!;
    expect(restoreRun.stdout).toBe(
      [
        `Restored ${backupFile} into ${restored}.`,
        `  backup:          made ${manifest.createdAt} by aigne-hub 0.1.0`,
        '  credentials:     3 of 3 decrypt with the configured master key',
        `  audit trail:     verified, ${manifest.audit.events} event(s), head seq ${head.seq}; restore recorded at seq ${head.seq + 1}`,
        `  usage records:   ${manifest.counts.usageRecords}`,
        '',
        `Start the hub with: aigne-hub start --data-dir ${restored}`,
        '',
      ].join('\n'),
    );
  });

  it('every credential decrypts to what was stored', () => {
    const keyring = new Keyring(readKeyFile(keyFile));
    const rows = readDb(restored, (db) => db.prepare('SELECT id, value FROM credentials').all()) as {
      id: string;
      value: string;
    }[];
    expect(rows.map((row) => row.id).sort()).toEqual([...secretsById.keys()].sort());
    for (const row of rows) {
      expect(decryptCredentialValue(keyring, row.id, JSON.parse(row.value) as StoredCredentialValue)).toEqual(
        {
          api_key: secretsById.get(row.id),
        },
      );
    }
  });

  it('the audit chain verifies with aigne-hub audit verify, the restore itself at its end', () => {
    const verify = runHubCli(['audit', 'verify'], { HUB_DATA_DIR: restored, HUB_KEY_FILE: keyFile });
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
    expect(verify.stdout).toMatch(
      new RegExp(
        `^Audit trail OK: ${manifest.audit.events + 1} event\\(s\\) verified; head seq ${manifest.audit.head!.seq + 1}, `,
      ),
    );
    const last = readDb(restored, (db) =>
      db.prepare('SELECT action, via, details, prev_hash FROM audit_events ORDER BY seq DESC LIMIT 1').get(),
    ) as { action: string; via: string; details: string; prev_hash: string };
    expect(last).toMatchObject({
      action: 'system.restore',
      via: 'cli',
      prev_hash: manifest.audit.head!.hash,
    });
    expect(JSON.parse(last.details)).toEqual({
      auditHeadSeq: manifest.audit.head!.seq,
      backup: 'hub.backup.tar',
      backupCreatedAt: manifest.createdAt,
      backupHubVersion: '0.1.0',
      usageRecords: manifest.counts.usageRecords,
    });
  });

  it('the usage records are a consistent snapshot: counts match, each with its audit event and charge', () => {
    const liveIds = new Set(
      readDb(source, (db) => db.prepare('SELECT id FROM usage_records').all() as { id: string }[]).map(
        (row) => row.id,
      ),
    );
    readDb(restored, (db) => {
      expect(count(db, 'SELECT count(*) AS n FROM usage_records')).toBe(manifest.counts.usageRecords);
      expect(count(db, "SELECT count(*) AS n FROM usage_records WHERE status = 'success'")).toBe(
        manifest.counts.usageRecords,
      );
      expect(
        count(
          db,
          `SELECT count(*) AS n FROM usage_records u WHERE (SELECT count(*) FROM audit_events a
           WHERE a.action = 'ai.chat' AND json_extract(a.details, '$.usageId') = u.id) <> 1`,
        ),
      ).toBe(0);
      expect(count(db, "SELECT count(*) AS n FROM audit_events WHERE action = 'ai.chat'")).toBe(
        manifest.counts.usageRecords,
      );
      expect(
        count(
          db,
          `SELECT count(*) AS n FROM usage_records u WHERE u.credits > 0 AND (SELECT count(*) FROM credit_transactions c
           WHERE c.usage_record_id = u.id AND c.kind = 'charge' AND c.amount = -u.credits) <> 1`,
        ),
      ).toBe(0);
      // The balance is exactly the ledger: nothing charged without its usage record, or the other way round.
      const balances = db
        .prepare(
          'SELECT u.credits AS credits, sum(c.amount) AS ledger FROM users u JOIN credit_transactions c ON c.user_did = u.did GROUP BY u.did',
        )
        .all() as { credits: number; ledger: number }[];
      expect(balances).toHaveLength(1);
      expect(balances[0]!.credits).toBe(balances[0]!.ledger);
      expect(balances[0]!.credits).toBeLessThan(1_000_000_000_000);
      for (const row of db.prepare('SELECT id FROM usage_records').all() as { id: string }[]) {
        expect(liveIds.has(row.id)).toBe(true);
      }
    });
  });

  it('the restored hub starts and serves', async () => {
    const hub = await startHubOn({ HUB_DATA_DIR: restored, HUB_KEY_FILE: keyFile });
    try {
      const health = await fetch(`${hub.url}/api/health`);
      expect(health.status).toBe(200);
      expect(hub.services.audit.verify()).toMatchObject({ ok: true, headRecord: 'sealed' });
    } finally {
      await hub.close();
    }
  });
});

describe('aigne-hub restore refuses', () => {
  /** Every file in a folder, with its size: to show that a refused restore changed nothing. */
  const snapshot = (folder: string) =>
    fs
      .readdirSync(folder)
      .sort()
      .map((name) => [name, fs.statSync(path.join(folder, name)).size]);
  const restore = (dataDir: string, vars: Record<string, string>, file = backupFile, ...extra: string[]) =>
    runHubCli(['restore', file, ...extra], { HUB_DATA_DIR: dataDir, ...vars });

  it('into a running hub', async () => {
    const target = dir('hub-restore-running-');
    const hub = await startHubOn({ HUB_DATA_DIR: target, HUB_KEY_FILE: keyFile });
    try {
      const result = restore(target, { HUB_KEY_FILE: keyFile }, backupFile, '--force');
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(
          `^aigne-hub: a running hub \\(pid ${process.pid}, since .+\\) is using the data folder ${target}; stop it first`,
        ),
      );
      expect((await fetch(`${hub.url}/api/health`)).status).toBe(200);
      expect(hub.services.audit.verify()).toMatchObject({ ok: true, count: 1 });
    } finally {
      await hub.close();
    }
  });

  it('over an existing hub without --force; with --force the old files are kept aside', () => {
    const target = dir('hub-restore-existing-');
    fs.copyFileSync(keyFile, path.join(target, 'master.key'));
    expect(restore(target, {}).status).toBe(0);
    const before = snapshot(target);
    const again = restore(target, {});
    expect(again.status).toBe(1);
    expect(again.stderr).toBe(
      `aigne-hub: ${target} already holds a hub (hub.db, auth.db); pass --force to replace it (its files are kept in a replaced-<time> folder)\n`,
    );
    expect(snapshot(target)).toEqual(before);
    const forced = restore(target, {}, backupFile, '--force');
    expect(forced.status).toBe(0);
    const replaced = fs.readdirSync(target).filter((name) => name.startsWith('replaced-'));
    expect(replaced).toHaveLength(1);
    expect(fs.readdirSync(path.join(target, replaced[0]!)).sort()).toEqual(['auth.db', 'hub.db']);
    expect(forced.stdout).toContain(`  previous files:  ${path.join(target, replaced[0]!)}\n`);
  });

  it('without the master key file, creating none', () => {
    const target = dir('hub-restore-nokey-');
    const result = restore(target, {});
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `aigne-hub: the master key file ${path.join(target, 'master.key')} does not exist: put the key file that belongs to this backup there (mode 0600), or set HUB_KEY_FILE or HUB_ENCRYPTION_KEYS\n`,
    );
    expect(fs.readdirSync(target)).toEqual([]);
  });

  it('with another master key', () => {
    const target = dir('hub-restore-wrongkey-');
    const result = restore(target, { HUB_ENCRYPTION_KEYS: encodeMasterKey(generateMasterKey()) });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^aigne-hub: this backup's secrets are under master key id\\(s\\) ${manifest.keyIds[0]!}, which the configured keys \\(\\w+\\) do not include; `,
      ),
    );
    expect(fs.readdirSync(target)).toEqual([]);
  });

  it('when a credential does not decrypt (every credential is tried)', () => {
    // A hub whose credential was damaged: same key id, but the ciphertext no longer authenticates.
    const damaged = dir('hub-restore-damaged-src-');
    fs.copyFileSync(keyFile, path.join(damaged, 'master.key'));
    expect(restore(damaged, {}).status).toBe(0);
    const victim = [...secretsById.keys()].sort()[1]!;
    const opened = openDatabase('hub', path.join(damaged, 'hub.db'), { migrate: false });
    const stored = JSON.parse(
      (opened.sqlite.prepare('SELECT value FROM credentials WHERE id = ?').get(victim) as { value: string })
        .value,
    ) as { api_key: string };
    const flipped =
      stored.api_key.slice(0, -6) + (stored.api_key.at(-6) === 'A' ? 'B' : 'A') + stored.api_key.slice(-5);
    opened.sqlite
      .prepare('UPDATE credentials SET value = ? WHERE id = ?')
      .run(JSON.stringify({ api_key: flipped }), victim);
    opened.close();
    const file = path.join(damaged, 'damaged.tar');
    expect(runHubCli(['backup', file], { HUB_DATA_DIR: damaged }).status).toBe(0);

    const target = dir('hub-restore-damaged-');
    const result = restore(target, { HUB_KEY_FILE: keyFile }, file);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `aigne-hub: the configured master key cannot decrypt 1 of 3 credential(s) in this backup (${victim}); restore with the key the backup was made with\n`,
    );
    expect(fs.readdirSync(target)).toEqual([]);
  });

  it('a damaged backup file', () => {
    const file = path.join(dir('hub-restore-corrupt-'), 'corrupt.tar');
    fs.copyFileSync(backupFile, file);
    const hubDb = listArchive(file).find((member) => member.name === 'hub.db')!;
    const fd = fs.openSync(file, 'r+');
    const byte = Buffer.alloc(1);
    fs.readSync(fd, byte, 0, 1, hubDb.offset + 5000);
    fs.writeSync(fd, Buffer.from([byte[0]! ^ 0xff]), 0, 1, hubDb.offset + 5000);
    fs.closeSync(fd);
    const target = dir('hub-restore-corrupt-target-');
    const result = restore(target, { HUB_KEY_FILE: keyFile }, file);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `aigne-hub: hub.db in ${file} does not match its manifest (size or SHA-256): the backup file is damaged\n`,
    );
    expect(fs.readdirSync(target)).toEqual([]);
  });

  it('a file that is not a backup', () => {
    const file = path.join(dir('hub-restore-notbackup-'), 'notes.txt');
    fs.writeFileSync(file, 'not a tar file at all'.repeat(100));
    const target = dir('hub-restore-notbackup-target-');
    const result = restore(target, { HUB_KEY_FILE: keyFile }, file);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `aigne-hub: ${file} is not an aigne-hub backup: the backup file is damaged (a tar header checksum does not match)\n`,
    );
  });
});

describe('aigne-hub backup refuses', () => {
  it('to overwrite a file without --force, and a folder without a hub', () => {
    const exists = runHubCli(['backup', backupFile], { HUB_DATA_DIR: source });
    expect(exists.status).toBe(1);
    expect(exists.stderr).toBe(
      `aigne-hub: ${backupFile} already exists; choose another name or pass --force to replace it\n`,
    );
    const empty = dir('hub-backup-empty-');
    const nohub = runHubCli(['backup', path.join(empty, 'x.tar')], { HUB_DATA_DIR: empty });
    expect(nohub.status).toBe(1);
    expect(nohub.stderr).toBe(
      `aigne-hub: no hub in ${empty} (hub.db not found); set HUB_DATA_DIR or --data-dir to the hub's data folder\n`,
    );
  });
});
