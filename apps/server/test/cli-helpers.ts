/**
 * Running the real `aigne-hub` command in a child process, the way an operator does, over a real data folder
 * made by the real start-up code.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { loadEnv } from '../src/env';
import { startHub, type RunningHub } from '../src/hub';
import { openExistingHub, type OfflineHub } from '../src/runtime/offline';

export const BIN = fileURLToPath(new URL('../bin/aigne-hub.js', import.meta.url));
export const silent = pino({ level: 'silent' });

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `aigne-hub <args>` with only `vars` (plus PATH and HOME) in its environment. */
export function runHubCli(args: string[], vars: Record<string, string>, input?: string): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...vars },
    encoding: 'utf8',
    timeout: 30_000,
    ...(input !== undefined && { input }),
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts a hub on `vars` (the real start-up: keys, migrations, audit key, setup code). */
export function startHubOn(vars: Record<string, string>, clock?: () => Date): Promise<RunningHub> {
  return startHub(loadEnv({ PORT: '0', HOST: '127.0.0.1', HUB_WEB_DIR: '/nonexistent', ...vars }), {
    logger: silent,
    ...(clock && { clock }),
  });
}

/** Creates a hub in the data folder of `vars` and stops it again. */
export async function initHub(vars: Record<string, string>): Promise<void> {
  const hub = await startHubOn(vars);
  await hub.close();
}

/** Opens the (stopped) hub of `vars` in this process, runs `fn`, and closes it. */
export function withHub<T>(vars: Record<string, string>, fn: (hub: OfflineHub) => T): T {
  const hub = openExistingHub(loadEnv(vars), silent);
  try {
    return fn(hub);
  } finally {
    hub.close();
  }
}

/** The audit events of `hub`, oldest first, as stored (snake_case columns). */
export function auditRows(hub: OfflineHub): Record<string, unknown>[] {
  return hub.services.hubDb.$client.prepare('SELECT * FROM audit_events ORDER BY seq').all() as Record<
    string,
    unknown
  >[];
}
