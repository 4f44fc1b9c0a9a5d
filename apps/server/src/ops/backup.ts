/**
 * `aigne-hub backup <file>`: a consistent copy of hub.db and auth.db, also while the hub is running and busy.
 *
 * Each database is copied with SQLite's online backup API (better-sqlite3 `db.backup()`) told to copy every page
 * in ONE step: a single step runs inside one read transaction of the source, so the copy is a snapshot of one
 * committed state (in WAL mode the hub's writers go on meanwhile; a group commit of usage records, charges and
 * audit events is in the copy entirely or not at all). A multi-step copy would restart whenever the hub
 * commits, and under load might never finish. hub.db and auth.db are two snapshots taken one after the other;
 * nothing in one refers to a row of the other that could be half there (sessions only name users by DID).
 *
 * The copies, a manifest describing them and their SHA-256 go into one tar file (ops/archive.ts), written under
 * a temporary name and renamed into place, mode 0600. The master key is NOT in it: the backup holds only
 * ciphertext, and the command says where the key is and that a restore needs both.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, ConflictError } from '@aigne-hub/core';
import { openDatabase, type DatabaseKind } from '@aigne-hub/db';
import type { Env } from '../env';
import { HUB_VERSION } from '../version';
import { fileDigest, writeArchive } from './archive';
import {
  BACKUP_DATABASES,
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  MANIFEST_NAME,
  inspectDatabases,
  type BackupManifest,
} from './backup-manifest';

/** Pages per backup step: more than any database has, so that the whole copy is one step (one snapshot). */
const ALL_PAGES = 0x7fffffff;

export interface BackupOptions {
  /** Replace `file` if it exists. */
  force?: boolean;
  now?: Date;
}

export interface BackupResult {
  file: string;
  bytes: number;
  manifest: BackupManifest;
}

export async function createBackup(
  env: Env,
  file: string,
  options: BackupOptions = {},
): Promise<BackupResult> {
  const target = path.resolve(file);
  const sources = BACKUP_DATABASES.map((db) => ({ ...db, path: path.join(env.dataDir, db.file) }));
  for (const source of sources) {
    if (!fs.existsSync(source.path)) {
      throw new ConfigError(
        `no hub in ${env.dataDir} (${source.file} not found); set HUB_DATA_DIR or --data-dir to the hub's data folder`,
      );
    }
  }
  if (fs.existsSync(target) && options.force !== true) {
    throw new ConflictError(`${target} already exists; choose another name or pass --force to replace it`);
  }
  if (!fs.existsSync(path.dirname(target))) {
    throw new ConfigError(`the folder ${path.dirname(target)} does not exist`);
  }

  // Next to the target, so the final rename stays on one filesystem; private, since the copies hold ciphertext
  // and session hashes.
  const staging = fs.mkdtempSync(path.join(path.dirname(target), '.aigne-hub-backup-'));
  try {
    fs.chmodSync(staging, 0o700);
    const copies: Record<string, string> = {};
    for (const source of sources) {
      copies[source.kind] = path.join(staging, source.file);
      await snapshot(source.kind, source.path, copies[source.kind]!);
    }
    const contents = readContents(copies.hub!, copies.auth!);
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      hubVersion: HUB_VERSION,
      createdAt: (options.now ?? new Date()).toISOString(),
      files: sources.map((source) => ({ name: source.file, ...fileDigest(copies[source.kind]!) })),
      ...contents,
    };
    const partial = `${target}.${randomUUID()}.partial`;
    const fd = fs.openSync(partial, 'wx', 0o600);
    try {
      try {
        writeArchive(
          fd,
          [
            { name: MANIFEST_NAME, source: { data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) } },
            ...sources.map((source) => ({ name: source.file, source: { file: copies[source.kind]! } })),
          ],
          new Date(manifest.createdAt),
        );
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(partial, target);
    } catch (error) {
      fs.rmSync(partial, { force: true });
      throw error;
    }
    syncFolder(path.dirname(target));
    return { file: target, bytes: fs.statSync(target).size, manifest };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * One consistent copy of `source` at `copy` (see the module comment). The source is opened without migrating and
 * closed without the `optimize` pragma of `close()`: a backup writes nothing to it.
 */
async function snapshot(kind: DatabaseKind, source: string, copy: string): Promise<void> {
  const db = openDatabase(kind, source, { migrate: false }).sqlite;
  try {
    await db.backup(copy, { progress: () => ALL_PAGES });
  } finally {
    db.close();
  }
}

/** The manifest's facts, from the copies; closing them leaves each one self-contained file (no -wal beside it). */
function readContents(hubCopy: string, authCopy: string) {
  const hub = openDatabase('hub', hubCopy, { migrate: false }).sqlite;
  try {
    const auth = openDatabase('auth', authCopy, { migrate: false }).sqlite;
    try {
      return inspectDatabases(hub, auth);
    } finally {
      auth.close();
    }
  } finally {
    hub.close();
  }
}

/** Makes a rename durable (the directory entry itself), where the platform allows it. */
export function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(folder, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms and filesystems cannot fsync a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Where the master key of `env` lives, for the operator (never the key itself). */
export function describeKeyLocation(env: Env): { where: string; missing: boolean } {
  if (env.encryptionKeys !== undefined) {
    return {
      where: 'in the HUB_ENCRYPTION_KEYS environment variable (wherever you configure it)',
      missing: false,
    };
  }
  if (env.blocklet !== undefined) {
    return {
      where: "derived from this blocklet's BLOCKLET_APP_EK and BLOCKLET_DID (kept by Blocklet Server)",
      missing: false,
    };
  }
  return { where: `in the key file ${env.keyFile}`, missing: !fs.existsSync(env.keyFile) };
}
