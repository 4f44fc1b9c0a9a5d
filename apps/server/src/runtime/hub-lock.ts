/**
 * Who is using a data folder right now. A running hub (and a command that must not overlap with one, such as
 * `keys rotate`) holds `<dataDir>/hub.lock`, a small JSON file naming its process.
 *
 * Why: SQLite lets several processes share hub.db, so nothing else stops `keys rotate` from re-encrypting every
 * secret under a key that a running hub has never heard of; that hub would then fail on every credential until
 * restarted. The lock makes the command refuse instead.
 *
 * A lock left behind by a process that died (crash, kill -9, power cut) is stale and is taken over. A process is
 * judged alive by its pid and, on Linux, also by its start time from /proc: after a container restart the same
 * pid is often reused by an unrelated process, and a pid alone would keep the folder "busy" forever.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConflictError } from '@aigne-hub/core';

export const HUB_LOCK_FILE = 'hub.lock';

/** What the lock file says about its holder. */
export interface HubLockHolder {
  pid: number;
  /** Process start time in clock ticks since boot (Linux `/proc/<pid>/stat` field 22), or null elsewhere. */
  startTicks: string | null;
  /** Unique per acquisition, so a process can tell its own lock from a stale one carrying its pid. */
  instance: string;
  /** `serve` for a running hub, otherwise the command holding it (`keys rotate`). */
  purpose: string;
  /** ISO time the lock was taken. */
  since: string;
}

export interface HubLock {
  readonly file: string;
  readonly holder: HubLockHolder;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): void;
}

/** The data folder is in use by another live process. The message says by whom and what to do. */
export class DataFolderBusyError extends ConflictError {
  constructor(
    readonly holder: HubLockHolder,
    readonly file: string,
  ) {
    const who =
      holder.purpose === 'serve'
        ? `a running hub (pid ${holder.pid}, since ${holder.since})`
        : `\`aigne-hub ${holder.purpose}\` (pid ${holder.pid})`;
    super(
      `${who} is using the data folder ${path.dirname(file)}; stop it first (if no such process exists, delete ${file})`,
    );
  }
}

/** Locks this process holds, by instance: a lock file with our own pid is live only if we hold it. */
const heldHere = new Set<string>();

const MAX_ATTEMPTS = 5;

/**
 * Takes the data folder for `purpose`, creating the folder (0700) if needed. Throws `DataFolderBusyError` when
 * another live process holds it; a stale lock is taken over.
 */
export function acquireHubLock(dataDir: string, purpose: string): HubLock {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, HUB_LOCK_FILE);
  const holder: HubLockHolder = {
    pid: process.pid,
    startTicks: processStartTicks(process.pid),
    instance: randomUUID(),
    purpose,
    since: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    if (tryCreate(file, holder)) {
      heldHere.add(holder.instance);
      return { file, holder, release: () => release(file, holder.instance) };
    }
    const current = readHolder(file);
    if (current === 'missing') continue;
    if (current !== 'unreadable' && isAlive(current)) throw new DataFolderBusyError(current, file);
    breakStaleLock(file, current);
  }
  throw new ConflictError(`could not take the lock ${file}: it keeps changing; is another hub starting?`);
}

/** The live holder of the data folder's lock, or null when it is free (no file, or a stale one). */
export function liveHubLockHolder(dataDir: string): HubLockHolder | null {
  const current = readHolder(path.join(dataDir, HUB_LOCK_FILE));
  return typeof current === 'object' && isAlive(current) ? current : null;
}

/**
 * Creates the lock file with its full content in one step: the JSON is written to a private temporary file
 * which is then hard-linked to the lock name. `link` fails if the name exists, and a reader never sees a
 * half-written file (as it could between `open(wx)` and `write`).
 */
function tryCreate(file: string, holder: HubLockHolder): boolean {
  const temp = `${file}.${holder.instance}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(holder)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

function readHolder(file: string): HubLockHolder | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<HubLockHolder>;
    if (
      typeof parsed.pid === 'number' &&
      Number.isSafeInteger(parsed.pid) &&
      parsed.pid > 0 &&
      typeof parsed.instance === 'string' &&
      typeof parsed.purpose === 'string'
    ) {
      return {
        pid: parsed.pid,
        startTicks: typeof parsed.startTicks === 'string' ? parsed.startTicks : null,
        instance: parsed.instance,
        purpose: parsed.purpose,
        since: typeof parsed.since === 'string' ? parsed.since : 'unknown',
      };
    }
  } catch {
    // fall through: not ours to interpret
  }
  return 'unreadable';
}

/** Whether the process named by a lock file still exists (and is the same process, where we can tell). */
export function isAlive(holder: HubLockHolder): boolean {
  if (holder.pid === process.pid) return heldHere.has(holder.instance);
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user, so it is alive.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (holder.startTicks !== null) {
    const now = processStartTicks(holder.pid);
    if (now !== null && now !== holder.startTicks) return false;
  }
  return true;
}

/**
 * Removes a stale (or unreadable) lock without removing a fresh one that another process put there in the
 * meantime: the file is first renamed to a private name (atomic), then checked; if it turns out to be a
 * different, live lock, it is put back.
 */
function breakStaleLock(file: string, stale: HubLockHolder | 'unreadable'): void {
  const aside = `${file}.${randomUUID()}.stale`;
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = readHolder(aside);
  const sameAsJudged =
    stale === 'unreadable'
      ? moved === 'unreadable'
      : typeof moved === 'object' && moved.instance === stale.instance;
  if (!sameAsJudged && typeof moved === 'object' && isAlive(moved)) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // Someone else took the lock meanwhile: they win, and the restored one is superseded anyway.
    }
  }
  fs.rmSync(aside, { force: true });
}

function release(file: string, instance: string): void {
  if (!heldHere.delete(instance)) return;
  const current = readHolder(file);
  if (typeof current === 'object' && current.instance === instance) fs.rmSync(file, { force: true });
}

/** Linux: field 22 of `/proc/<pid>/stat` (start time in ticks since boot). Null where /proc is unavailable. */
export function processStartTicks(pid: number): string | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name, the fields start at number 3 (state); field 22 is therefore index 19.
  const ticks = fields[19];
  return ticks !== undefined && /^\d+$/.test(ticks) ? ticks : null;
}
