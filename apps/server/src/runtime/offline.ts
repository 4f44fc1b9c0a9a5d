/**
 * Opening an existing data folder from a command line tool (owner set, keys rotate, audit verify...), with the
 * same code as start-up (`openHub`), so that the CLI sees exactly the keys and services a hub would.
 *
 * Unlike `start`, these commands never create a hub: a mistyped HUB_DATA_DIR must fail with a clear reason, not
 * quietly create a fresh data folder and a new master key somewhere else.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '@aigne-hub/core';
import { HUB_DB_FILE } from '@aigne-hub/db';
import pino, { type Logger } from 'pino';
import type { AuditActor, RequestMeta } from '../audit/audit-trail';
import type { Env } from '../env';
import { openHub } from '../hub';
import type { LoadedKeyring } from '../keys/master-key';
import type { HubServices } from '../services';
import { HUB_VERSION } from '../version';

/** Who acts in events written by the CLI: the operator at the machine, whose identity the hub cannot know. */
export const CLI_ACTOR: AuditActor = { did: null, role: null, via: 'cli' };

/** One request id per command run, so that the events of one run can be told apart; no address. */
export function cliRequest(): RequestMeta {
  return { requestId: randomUUID(), ip: null, userAgent: `aigne-hub-cli/${HUB_VERSION}` };
}

export interface OfflineHub {
  keys: LoadedKeyring;
  services: HubServices;
  /** Closes the databases. Idempotent. */
  close(): void;
}

/**
 * Logs of a command go to stderr and only from `warn` up (unless LOG_LEVEL asks for more detail), so that
 * stdout carries nothing but the command's output (an export can be piped).
 */
export function cliLogger(env: Pick<Env, 'logLevel'>): Logger {
  const verbose = env.logLevel === 'debug' || env.logLevel === 'trace';
  const level = env.logLevel === 'silent' ? 'silent' : verbose ? env.logLevel : 'warn';
  return pino({ level, base: { service: 'aigne-hub' } }, pino.destination({ dest: 2, sync: true }));
}

/**
 * Throws unless `env.dataDir` already holds a hub (hub.db) and, when keys come from a file, its key file (which
 * start-up would otherwise create afresh, with a key that opens nothing).
 */
export function assertExistingHub(env: Env): void {
  const hubFile = path.join(env.dataDir, HUB_DB_FILE);
  if (!fs.existsSync(hubFile)) {
    throw new ConfigError(
      `no hub in ${env.dataDir} (${HUB_DB_FILE} not found); set HUB_DATA_DIR or --data-dir to the hub's data folder`,
    );
  }
  const keyFromFile = env.encryptionKeys === undefined && env.blocklet === undefined;
  if (keyFromFile && !fs.existsSync(env.keyFile)) {
    throw new ConfigError(
      `the master key file ${env.keyFile} is missing; restore it from your backup (or set HUB_ENCRYPTION_KEYS / HUB_KEY_FILE)`,
    );
  }
}

/** Opens the existing hub in `env.dataDir` (see `assertExistingHub`). */
export function openExistingHub(env: Env, logger: Logger): OfflineHub {
  assertExistingHub(env);
  const { keys, services } = openHub(env, logger);
  return { keys, services, close: () => services.databases.close() };
}
