import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DataFolderBusyError,
  HUB_LOCK_FILE,
  acquireHubLock,
  liveHubLockHolder,
  processStartTicks,
  type HubLockHolder,
} from './hub-lock';

let dir: string;
let lockFile: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-lock-'));
  lockFile = path.join(dir, HUB_LOCK_FILE);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeLock(holder: Partial<HubLockHolder>): void {
  const full: HubLockHolder = {
    pid: process.pid,
    startTicks: null,
    instance: 'someone-else',
    purpose: 'serve',
    since: '2025-01-31T12:00:00.000Z',
    ...holder,
  };
  fs.writeFileSync(lockFile, JSON.stringify(full), { mode: 0o600 });
}

/** The pid of a process that has certainly exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' });
  expect(child.status).toBe(0);
  return child.pid;
}

const onLinux = processStartTicks(process.pid) !== null;

describe('acquireHubLock', () => {
  it('writes a 0600 lock naming this process, refuses a second holder, and frees the folder on release', () => {
    const lock = acquireHubLock(dir, 'serve');
    const written = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as HubLockHolder;
    expect(written).toEqual(lock.holder);
    expect(written.pid).toBe(process.pid);
    expect(written.purpose).toBe('serve');
    expect(fs.statSync(lockFile).mode & 0o777).toBe(0o600);
    expect(liveHubLockHolder(dir)).toEqual(lock.holder);

    const second = (() => {
      try {
        acquireHubLock(dir, 'keys rotate');
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(second).toBeInstanceOf(DataFolderBusyError);
    expect((second as DataFolderBusyError).message).toContain(`a running hub (pid ${process.pid}`);
    expect((second as DataFolderBusyError).message).toContain(lockFile);

    lock.release();
    expect(fs.existsSync(lockFile)).toBe(false);
    expect(liveHubLockHolder(dir)).toBeNull();
    lock.release(); // idempotent
    const again = acquireHubLock(dir, 'keys rotate');
    expect(liveHubLockHolder(dir)?.purpose).toBe('keys rotate');
    again.release();
    // No temporary files are left behind.
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('names a command holder by its command', () => {
    const lock = acquireHubLock(dir, 'keys rotate');
    expect(() => acquireHubLock(dir, 'serve')).toThrow(`\`aigne-hub keys rotate\` (pid ${process.pid})`);
    lock.release();
  });

  it('takes over a lock left by a process that no longer exists', () => {
    const pid = deadPid();
    writeLock({ pid, instance: 'crashed' });
    expect(liveHubLockHolder(dir)).toBeNull();
    const lock = acquireHubLock(dir, 'serve');
    expect(lock.holder.pid).toBe(process.pid);
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toMatchObject({ instance: lock.holder.instance });
    lock.release();
  });

  it('takes over a lock with this very pid that this process does not hold (a restarted container)', () => {
    writeLock({ pid: process.pid, instance: 'previous-life' });
    const lock = acquireHubLock(dir, 'serve');
    expect(lock.holder.instance).not.toBe('previous-life');
    lock.release();
  });

  it('takes over an unreadable lock file', () => {
    fs.writeFileSync(lockFile, 'not json', { mode: 0o600 });
    const lock = acquireHubLock(dir, 'serve');
    expect(lock.holder.pid).toBe(process.pid);
    lock.release();
  });

  it.runIf(onLinux)(
    'judges a live pid by its start time: a reused pid is stale, the same process is not',
    () => {
      const parent = process.ppid;
      writeLock({ pid: parent, instance: 'reused', startTicks: '1' });
      expect(liveHubLockHolder(dir)).toBeNull();

      writeLock({ pid: parent, instance: 'parent', startTicks: processStartTicks(parent) });
      expect(liveHubLockHolder(dir)?.pid).toBe(parent);
      expect(() => acquireHubLock(dir, 'keys rotate')).toThrow(DataFolderBusyError);
      // Still the parent's lock: a refused attempt changes nothing.
      expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toMatchObject({ instance: 'parent' });
    },
  );

  it('does not remove a lock that is no longer its own', () => {
    const lock = acquireHubLock(dir, 'serve');
    writeLock({ pid: process.ppid, instance: 'other', startTicks: processStartTicks(process.ppid) });
    lock.release();
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toMatchObject({ instance: 'other' });
  });

  it('creates a missing data folder with mode 0700', () => {
    const nested = path.join(dir, 'new', 'data');
    const lock = acquireHubLock(nested, 'serve');
    expect(fs.statSync(nested).mode & 0o777).toBe(0o700);
    lock.release();
  });
});

describe('processStartTicks', () => {
  it.runIf(onLinux)('reads a stable start time for a live process and null for a dead one', () => {
    const ticks = processStartTicks(process.pid);
    expect(ticks).toMatch(/^\d+$/);
    expect(processStartTicks(process.pid)).toBe(ticks);
    expect(processStartTicks(deadPid())).toBeNull();
  });
});
