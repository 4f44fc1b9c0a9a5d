/**
 * Everything a request handler may use, built once at start-up and passed down (no module globals), so a test
 * builds the same thing over temporary databases.
 */
import type { Keyring } from '@aigne-hub/core';
import type { AuthDatabase, HubDatabase, HubDatabases } from '@aigne-hub/db';
import type { Logger } from 'pino';
import { AuditTrail } from './audit/audit-trail';
import { ChallengeIssuer } from './auth/login';
import { Gateway } from './gateway/service';
import { AuthThrottle } from './auth/throttle';
import type { Env } from './env';
import { SettingsStore } from './settings/settings';

/** The URL people use to reach the hub; known only after listening when the port is chosen by the OS. */
export class PublicUrl {
  #url: URL | undefined;

  constructor(configured: string | undefined) {
    if (configured) this.#url = new URL(configured);
  }

  /** Sets the URL from the bound port unless one was configured. */
  bind(port: number): void {
    this.#url ??= new URL(`http://localhost:${port}`);
  }

  get href(): string {
    return this.#get().origin + this.#get().pathname.replace(/\/+$/, '');
  }

  /** `scheme://host[:port]`, what browsers send as `Origin`. */
  get origin(): string {
    return this.#get().origin;
  }

  /** `host[:port]`: the domain sign-in challenges are issued for. */
  get domain(): string {
    return this.#get().host;
  }

  get secure(): boolean {
    return this.#get().protocol === 'https:';
  }

  #get(): URL {
    if (!this.#url) throw new Error('The public URL is not known before the hub listens');
    return this.#url;
  }
}

export interface HubServices {
  env: Env;
  logger: Logger;
  clock: () => Date;
  databases: HubDatabases;
  hubDb: HubDatabase;
  authDb: AuthDatabase;
  keyring: Keyring;
  audit: AuditTrail;
  settings: SettingsStore;
  throttle: AuthThrottle;
  challenges: ChallengeIssuer;
  gateway: Gateway;
  publicUrl: PublicUrl;
}

export function createHubServices(input: {
  env: Env;
  logger: Logger;
  databases: HubDatabases;
  keyring: Keyring;
  auditKey: Uint8Array;
  clock?: () => Date;
}): HubServices {
  const clock = input.clock ?? (() => new Date());
  const hubDb = input.databases.hub.db;
  const settings = new SettingsStore(hubDb);
  const services: Omit<HubServices, 'challenges' | 'gateway'> & {
    challenges?: ChallengeIssuer;
    gateway?: Gateway;
  } = {
    env: input.env,
    logger: input.logger,
    clock,
    databases: input.databases,
    hubDb,
    authDb: input.databases.auth.db,
    keyring: input.keyring,
    audit: new AuditTrail(hubDb, input.auditKey, clock),
    settings,
    throttle: new AuthThrottle(() => settings.get().rateLimits),
    publicUrl: new PublicUrl(input.env.publicUrl),
  };
  services.challenges = new ChallengeIssuer(services as HubServices);
  services.gateway = new Gateway(services as HubServices);
  return services as HubServices;
}
