/**
 * `aigne-hub restore <file>`: puts a backup's hub.db and auth.db into a data folder, after proving on a staged
 * copy that it will work, so that a restore either completes or changes nothing:
 *
 * 1. the data folder is locked (hub.lock): a running hub is never restored under;
 * 2. the archive is unpacked into a private folder inside the data folder and every file checked against the
 *    manifest's size and SHA-256 (a damaged or cut-off file stops here);
 * 3. the copies are brought to this build's migration level (refused if they come from a newer build);
 * 4. the configured master key must decrypt the hub's own secrets and EVERY credential (authenticated
 *    encryption: a wrong key cannot pass unnoticed). Values that are not this hub's ciphertext at all (an
 *    AIGNE Hub credential never imported) are reported, not refused: the backed-up hub could not use them either;
 * 5. the audit trail of the copy must verify (from its checkpoint, against its recorded head), and its row counts
 *    must be the manifest's;
 * 6. only then are the data folder's current files (if any, with --force) moved aside into `replaced-<time>/` and
 *    the copies renamed into place;
 * 7. the restored folder is opened the way the hub opens it, the chain verified once more, and the restore itself
 *    recorded as a `system.restore` event.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  ConfigError,
  ConflictError,
  DecryptionError,
  PreconditionFailedError,
  ValidationError,
  decryptCredentialValue,
  type Keyring,
  type StoredCredentialValue,
  type VerifyChainResult,
} from '@aigne-hub/core';
import { migrationStatus, openDatabase, type OpenedDatabase } from '@aigne-hub/db';
import type { Logger } from 'pino';
import { AuditTrail } from '../audit/audit-trail';
import type { Env } from '../env';
import { loadKeyring } from '../keys/master-key';
import { AUDIT_KEY_SECRET, readSystemSecret } from '../keys/system-secrets';
import { acquireHubLock } from '../runtime/hub-lock';
import { CLI_ACTOR, cliRequest, openExistingHub } from '../runtime/offline';
import { extractMember, listArchive, readMember, type ArchiveMember } from './archive';
import {
  BACKUP_DATABASES,
  MANIFEST_NAME,
  inspectDatabases,
  parseManifest,
  type BackupManifest,
} from './backup-manifest';
import { syncFolder } from './backup';

const MAX_MANIFEST_BYTES = 1024 * 1024;
/** What SQLite may leave beside a database file; moved together with it, never mixed with another file. */
const SIDE_FILES = ['', '-wal', '-shm', '-journal'];

export interface RestoreOptions {
  /** Replace the hub already in the data folder (its files are kept in `replaced-<time>/`). */
  force?: boolean;
}

export interface RestoreReport {
  file: string;
  dataDir: string;
  manifest: BackupManifest;
  credentials: {
    total: number;
    /** Credentials whose every secret field decrypted. */
    decrypted: number;
    /** Ids of credentials holding values that are not this hub's ciphertext (left as they were). */
    notOurs: string[];
  };
  /** The chain of the restored folder, verified before the restore event was appended. */
  audit: Extract<VerifyChainResult, { ok: true }>;
  /** Seq of the `system.restore` event. */
  restoreEventSeq: number;
  /** Where the data folder's previous files went, or null when it held none. */
  replacedDir: string | null;
}

export function restoreBackup(
  env: Env,
  file: string,
  logger: Logger,
  options: RestoreOptions = {},
): RestoreReport {
  const archive = path.resolve(file);
  if (!fs.existsSync(archive)) throw new ConfigError(`the backup file ${archive} does not exist`);
  const lock = acquireHubLock(env.dataDir, 'restore');
  const staging = path.join(env.dataDir, `.restore-${randomUUID()}`);
  try {
    const present = BACKUP_DATABASES.filter((db) => fs.existsSync(path.join(env.dataDir, db.file)));
    if (present.length > 0 && options.force !== true) {
      throw new ConflictError(
        `${env.dataDir} already holds a hub (${present.map((db) => db.file).join(', ')}); pass --force to replace it (its files are kept in a replaced-<time> folder)`,
      );
    }
    const keyring = configuredKeyring(env);
    fs.mkdirSync(staging, { mode: 0o700 });
    const manifest = unpack(archive, staging);
    const missingKeys = manifest.keyIds.filter((id) => !keyring.keyIds.includes(id));
    if (missingKeys.length > 0) {
      throw new PreconditionFailedError(
        `this backup's secrets are under master key id(s) ${missingKeys.join(', ')}, which the configured keys (${keyring.keyIds.join(', ')}) do not include; restore with the key the backup was made with`,
      );
    }
    const credentials = checkStaged(staging, keyring, manifest);
    const replacedDir = present.length > 0 ? moveAside(env.dataDir) : null;
    for (const db of BACKUP_DATABASES) {
      fs.renameSync(path.join(staging, db.file), path.join(env.dataDir, db.file));
    }
    syncFolder(env.dataDir);
    const { audit, restoreEventSeq } = recordRestore(env, logger, archive, manifest);
    return {
      file: archive,
      dataDir: env.dataDir,
      manifest,
      credentials,
      audit,
      restoreEventSeq,
      replacedDir,
    };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    lock.release();
  }
}

/**
 * The keyring a hub in `env` would use. Unlike start-up, a missing key file is an error, not a reason to create
 * a new key: a new key can open nothing in a backup.
 */
function configuredKeyring(env: Env): Keyring {
  if (env.encryptionKeys === undefined && env.blocklet === undefined && !fs.existsSync(env.keyFile)) {
    throw new ConfigError(
      `the master key file ${env.keyFile} does not exist: put the key file that belongs to this backup there (mode 0600), or set HUB_KEY_FILE or HUB_ENCRYPTION_KEYS`,
    );
  }
  return loadKeyring(env).keyring;
}

/** Unpacks the archive into `staging`, checking each database against the manifest. */
function unpack(archive: string, staging: string): BackupManifest {
  let members: ArchiveMember[];
  let manifest: BackupManifest;
  try {
    members = listArchive(archive);
    const manifestMember = members.find((member) => member.name === MANIFEST_NAME);
    if (manifestMember === undefined) throw new Error(`it has no ${MANIFEST_NAME}`);
    manifest = parseManifest(readMember(archive, manifestMember, MAX_MANIFEST_BYTES));
  } catch (error) {
    throw new ValidationError(`${archive} is not an aigne-hub backup: ${(error as Error).message}`);
  }
  for (const db of BACKUP_DATABASES) {
    const member = members.find((candidate) => candidate.name === db.file);
    const expected = manifest.files.find((entry) => entry.name === db.file);
    if (member === undefined || expected === undefined) {
      throw new ValidationError(`${archive} is not a complete aigne-hub backup: ${db.file} is missing`);
    }
    const sha256 = extractMember(archive, member, path.join(staging, db.file));
    if (member.size !== expected.bytes || sha256 !== expected.sha256) {
      throw new ValidationError(
        `${db.file} in ${archive} does not match its manifest (size or SHA-256): the backup file is damaged`,
      );
    }
  }
  return manifest;
}

/** Steps 3-5 on the staged copies; returns what the credential check found. */
function checkStaged(
  staging: string,
  keyring: Keyring,
  manifest: BackupManifest,
): RestoreReport['credentials'] {
  const files = Object.fromEntries(BACKUP_DATABASES.map((db) => [db.kind, path.join(staging, db.file)]));
  for (const db of BACKUP_DATABASES) {
    const raw = openDatabase(db.kind, files[db.kind]!, { migrate: false });
    try {
      const status = migrationStatus(db.kind, raw.sqlite);
      if (status.unrecognized > 0) {
        throw new PreconditionFailedError(
          `this backup was made by a newer aigne-hub (${manifest.hubVersion}; ${db.file} has ${status.unrecognized} migration(s) this build does not know): upgrade aigne-hub first`,
        );
      }
    } finally {
      raw.sqlite.close();
    }
  }
  const hub = openDatabase('hub', files.hub!);
  const auth = openDatabase('auth', files.auth!);
  try {
    const counted = inspectDatabases(hub.sqlite, auth.sqlite);
    const auditKey = openSecrets(hub, keyring);
    const credentials = decryptAll(hub, keyring);
    const verified = new AuditTrail(hub.db, auditKey).verify();
    if (!verified.ok) {
      throw new PreconditionFailedError(
        `the audit trail in this backup does not verify (seq ${verified.seq}: ${verified.reason}: ${verified.message}); nothing was restored`,
      );
    }
    const differs = (Object.keys(manifest.counts) as (keyof BackupManifest['counts'])[]).filter(
      (table) => counted.counts[table] !== manifest.counts[table],
    );
    if (
      differs.length > 0 ||
      counted.audit.events !== manifest.audit.events ||
      counted.audit.head?.hash !== manifest.audit.head?.hash
    ) {
      throw new ValidationError(
        `the backup's contents do not match its manifest (${differs.join(', ') || 'audit trail'}): the backup file is damaged`,
      );
    }
    return credentials;
  } finally {
    // Leaves each copy as one file (the last connection checkpoints its WAL and removes it).
    hub.sqlite.close();
    auth.sqlite.close();
  }
}

/** Every system secret must decrypt; returns the audit key. */
function openSecrets(hub: OpenedDatabase<'hub'>, keyring: Keyring): Buffer {
  try {
    for (const row of hub.sqlite.prepare('SELECT name FROM system_secrets').all() as { name: string }[]) {
      readSystemSecret(hub.db, keyring, row.name);
    }
    const auditKey = readSystemSecret(hub.db, keyring, AUDIT_KEY_SECRET);
    if (auditKey === null) throw new ValidationError('the backup has no audit key: it is not a hub backup');
    return Buffer.from(auditKey, 'base64url');
  } catch (error) {
    if (error instanceof DecryptionError) {
      throw new PreconditionFailedError(
        `the configured master key cannot decrypt this backup (${error.reason}); restore with the key the backup was made with`,
      );
    }
    throw error;
  }
}

/** Tries every credential; any that fails for a key reason stops the restore, naming the credentials only. */
function decryptAll(hub: OpenedDatabase<'hub'>, keyring: Keyring): RestoreReport['credentials'] {
  const rows = hub.sqlite.prepare('SELECT id, value FROM credentials ORDER BY id').all() as {
    id: string;
    value: string;
  }[];
  const wrongKey: string[] = [];
  const notOurs: string[] = [];
  for (const row of rows) {
    try {
      decryptCredentialValue(keyring, row.id, JSON.parse(row.value) as StoredCredentialValue);
    } catch (error) {
      const keyProblem =
        error instanceof DecryptionError &&
        (error.reason === 'unknown_key' || error.reason === 'authentication_failed');
      (keyProblem ? wrongKey : notOurs).push(row.id);
    }
  }
  if (wrongKey.length > 0) {
    throw new PreconditionFailedError(
      `the configured master key cannot decrypt ${wrongKey.length} of ${rows.length} credential(s) in this backup (${wrongKey.slice(0, 5).join(', ')}${wrongKey.length > 5 ? ', ...' : ''}); restore with the key the backup was made with`,
    );
  }
  return { total: rows.length, decrypted: rows.length - notOurs.length, notOurs };
}

/** Moves the data folder's databases (with their WAL and journal files) into a new `replaced-<time>/`. */
function moveAside(dataDir: string): string {
  const folder = path.join(dataDir, `replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  fs.mkdirSync(folder, { mode: 0o700 });
  for (const db of BACKUP_DATABASES) {
    for (const suffix of SIDE_FILES) {
      const from = path.join(dataDir, db.file + suffix);
      if (fs.existsSync(from)) fs.renameSync(from, path.join(folder, db.file + suffix));
    }
  }
  return folder;
}

/** Step 7: open as the hub would, verify, and record the restore in the restored trail. */
function recordRestore(env: Env, logger: Logger, archive: string, manifest: BackupManifest) {
  const hub = openExistingHub(env, logger);
  try {
    const audit = hub.services.audit.verify();
    if (!audit.ok) {
      throw new PreconditionFailedError(
        `the restored audit trail does not verify (seq ${audit.seq}: ${audit.reason}); the restored files are in place, inspect them with aigne-hub audit verify`,
      );
    }
    const event = hub.services.audit.record(CLI_ACTOR, cliRequest(), {
      action: 'system.restore',
      outcome: 'success',
      targetType: 'hub',
      details: {
        backup: path.basename(archive),
        backupCreatedAt: manifest.createdAt,
        backupHubVersion: manifest.hubVersion,
        auditHeadSeq: audit.head?.seq ?? null,
        usageRecords: manifest.counts.usageRecords,
      },
    });
    return { audit, restoreEventSeq: event.seq };
  } finally {
    hub.close();
  }
}
