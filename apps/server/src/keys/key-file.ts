/**
 * Rewriting the master key file. Used by `keys rotate`: the file is the only copy of the keys that decrypt every
 * stored credential, so a crash, a full disk or a power cut in the middle of writing it must never leave a
 * truncated or empty file behind.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { encodeMasterKey } from '@aigne-hub/core';
import { KEY_FILE_HEADER } from './master-key';

/** The text of a key file holding `keys`, the first being the active one. */
export function formatKeyFile(keys: readonly Uint8Array[]): string {
  return [...KEY_FILE_HEADER, ...keys.map((key) => encodeMasterKey(key)), ''].join('\n');
}

/**
 * Replaces `file` with one holding `keys`, atomically: the new text goes to a temporary file (mode 0600) in
 * the same folder, is flushed to disk, and is then renamed over the old file. A reader (or a crash) sees either
 * the old file or the complete new one. The folder is flushed too, so the rename itself survives a power cut.
 */
export function writeKeyFile(file: string, keys: readonly Uint8Array[]): void {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${randomUUID()}.tmp`);
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeFileSync(fd, formatKeyFile(keys));
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  syncFolder(dir);
}

function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open or fsync a folder; the rename is still atomic there.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
