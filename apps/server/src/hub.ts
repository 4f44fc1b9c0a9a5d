/**
 * The composition root: from a validated environment to a listening hub. The CLI's `start` and the tests
 * both come through here, so what the tests start is what an operator runs.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, DecryptionError } from '@aigne-hub/core';
import { openHubDatabases, type HubDatabases } from '@aigne-hub/db';
import type { Logger } from 'pino';
import { createApp, type HubApp } from './app';
import { SYSTEM_ACTOR, NO_REQUEST, writeTransaction } from './audit/audit-trail';
import { prepareOwnerSetup } from './auth/owner-setup';
import { prepareBlocklet, type BlockletStartReport } from './blocklet/start';
import type { Env } from './env';
import { loadKeyring, type LoadedKeyring } from './keys/master-key';
import { loadOrCreateAuditKey } from './keys/system-secrets';
import { CredentialProbe } from './observability/credential-probe';
import { createLogger } from './logger';
import { AuditRetentionJob } from './ops/audit-retention';
import { GracefulShutdown, type ShutdownOptions } from './ops/shutdown';
import { acquireHubLock } from './runtime/hub-lock';
import { createHubServices, type HubServices } from './services';

export interface RunningHub {
  url: string;
  port: number;
  env: Env;
  keys: LoadedKeyring;
  databases: HubDatabases;
  services: HubServices;
  app: HubApp;
  logger: Logger;
  /** The one-time owner setup code, while the hub has no owner (never under Blocklet Server). */
  setupCode: string | null;
  /** Under Blocklet Server: what its start did (credentials re-encrypted from @blocklet/sdk ciphertext). */
  blocklet: BlockletStartReport | null;
  /** The background credential health probe (observability/credential-probe), started with the hub. */
  probe: CredentialProbe;
  /** Prunes the audit trail when the audit.retentionDays setting asks for it (ops/audit-retention). */
  retention: AuditRetentionJob;
  /** What `close` runs: drain requests within the grace period, then write what is pending (ops/shutdown). */
  shutdown: GracefulShutdown;
  /** Graceful: stops accepting, lets requests finish (up to HUB_SHUTDOWN_GRACE_MS), closes the databases. */
  close(options?: ShutdownOptions): Promise<void>;
}

const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Opens the data folder with its keys: the part of start-up shared with the CLI's offline commands. */
export function openHub(
  env: Env,
  logger: Logger,
  clock?: () => Date,
): { keys: LoadedKeyring; services: HubServices } {
  fs.mkdirSync(env.dataDir, { recursive: true, mode: 0o700 });
  const keys = loadKeyring(env);
  const databases = openHubDatabases({ dataDir: env.dataDir });
  try {
    let auditKey: { key: Buffer; created: boolean };
    try {
      auditKey = loadOrCreateAuditKey(databases.hub.db, keys.keyring);
    } catch (error) {
      if (error instanceof DecryptionError) {
        throw new ConfigError(
          `the configured master key cannot decrypt this data folder (${error.reason}); start with the key it was created with`,
        );
      }
      throw error;
    }
    const services = createHubServices({
      env,
      logger,
      databases,
      keyring: keys.keyring,
      auditKey: auditKey.key,
      ...(clock && { clock }),
    });
    if (auditKey.created) {
      writeTransaction(services.hubDb, (tx) =>
        services.audit.append(tx, SYSTEM_ACTOR, NO_REQUEST, {
          action: 'system.initialize',
          outcome: 'success',
          targetType: 'hub',
          details: { keySource: keys.source, keyIds: [...keys.keyring.keyIds] },
        }),
      );
    }
    return { keys, services };
  } catch (error) {
    databases.close();
    throw error;
  }
}

export interface StartOptions {
  logger?: Logger;
  /** The hub's clock (tests move it to expire challenges and sessions). */
  clock?: () => Date;
}

export async function startHub(env: Env, options: StartOptions = {}): Promise<RunningHub> {
  const logger = options.logger ?? createLogger(env);
  // Held while serving, so that `keys rotate` refuses to change the key under a running hub (runtime/hub-lock).
  const lock = acquireHubLock(env.dataDir, 'serve');
  let opened: ReturnType<typeof openHub>;
  try {
    opened = openHub(env, logger, options.clock);
  } catch (error) {
    lock.release();
    throw error;
  }
  const { keys, services } = opened;
  const { databases } = services;
  let app: HubApp | undefined;
  let setupCode: string | null = null;
  let blocklet: BlockletStartReport | null = null;
  try {
    // Under Blocklet Server, owners are Blocklet Server's: no setup code (blocklet/start.ts).
    if (env.blocklet) blocklet = await prepareBlocklet(services);
    else setupCode = prepareOwnerSetup(services.hubDb, keys.keyring, env.dataDir);
    app = await createApp({ services, webDir: env.webDir ?? DEFAULT_WEB_DIR });
    await app.listen({ port: env.port, host: env.host });
  } catch (error) {
    await app?.close();
    databases.close();
    lock.release();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : env.port;
  services.publicUrl.bind(port);
  const running = app;
  const probe = new CredentialProbe(services);
  probe.start();
  // Created before any request can arrive (no await since listen), so it sees every request in flight.
  const shutdown = new GracefulShutdown(running, services, env.shutdownGraceMs);
  const retention = new AuditRetentionJob(services);
  retention.start();
  return {
    url: services.publicUrl.href,
    port,
    env,
    keys,
    databases,
    services,
    app: running,
    logger,
    setupCode,
    blocklet,
    probe,
    retention,
    shutdown,
    async close(options?: ShutdownOptions) {
      try {
        await probe.stop();
        await retention.stop();
        await shutdown.drain(options);
        databases.close();
      } finally {
        lock.release();
      }
    },
  };
}
