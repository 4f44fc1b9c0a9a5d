/**
 * Plays Blocklet Server for the Blocklet-mode tests: the variables it starts a blocklet process with, and the
 * login tokens it gives people who sign in.
 *
 * Everything is derived the way Blocklet Server derives it (core/state/lib/util/blocklet/environment.js and
 * core/auth/lib/auth.js in ArcBlock/blocklet-server), with @blocklet/meta's own functions and from this
 * repository's own blocklet.yml:
 * - the app wallet is `getApplicationWallet(meta.did, nodeSk)` (BLOCKLET_APP_SK / _PK / _ID);
 * - BLOCKLET_APP_EK is the secret key of `getApplicationWallet(meta.did, nodeSk, undefined, 1)`;
 * - BLOCKLET_SESSION_SECRET is `getBlockletInfo(...).secret`: SHA3-256 of app secret key, app address and
 *   the app's session salt (BLOCKLET_APP_SALT);
 * - a login token is `jsonwebtoken.sign({ type: 'user', did, role, provider, kyc, elevated, ... }, secret,
 *   { expiresIn })`, an HS256 JWT. It is built here with node:crypto, independently of the jsonwebtoken copy
 *   @blocklet/sdk verifies with, so a mismatch in format would show.
 *
 * One deliberate difference: BLOCKLET_MODE is `test` (as @blocklet/sdk's own test setup sets it), so that the
 * SDK does not open its websocket to a Blocklet Server service that is not there.
 */
import { createHmac } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBlockletInfo } from '@blocklet/meta/lib/info.js';
import { parse } from '@blocklet/meta/lib/parse.js';
import { getApplicationWallet } from '@blocklet/meta/lib/wallet.js';
import { fromRandom } from '@ocap/wallet';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** blocklet.yml as Blocklet Server reads it: @blocklet/meta's parse (fixes, then validates). */
export function readBlockletMeta() {
  const meta = parse(REPO_ROOT, { ensureComponentStore: false });
  const { name, title } = meta;
  if (name === undefined || title === undefined) throw new Error('blocklet.yml has no name or title');
  return { ...meta, name, title };
}

export interface SimulatedBlockletServer {
  /** The blocklet's DID (BLOCKLET_DID): the did of blocklet.yml. */
  did: string;
  /** BLOCKLET_APP_EK. */
  appEk: string;
  /** The key login tokens are signed with (what BLOCKLET_SESSION_SECRET holds). */
  sessionSecret: string;
  /** The variables of the blocklet's process. */
  env: Record<string, string>;
  /** A login token for `did`, as Blocklet Server issues it when that person signs in with `role`. */
  signLoginToken(user: { did: string; role: string }, options?: LoginTokenOptions): string;
}

export interface LoginTokenOptions {
  /** Sign with another key (a forgery). */
  secret?: string;
  /** Seconds since the epoch; default now. */
  issuedAt?: number;
  /** Default one day, Blocklet Server's default session length. */
  expiresInSeconds?: number;
  /** Claims to add or override (`type`, `tokenType`...). */
  claims?: Record<string, unknown>;
}

export interface SimulationOptions {
  /** Blocklet Server's data root: the blocklet's data, log and cache folders go under it. */
  root: string;
  port: number;
  /** The app's session salt (Blocklet Server's `settings.session.salt`); none by default. */
  salt?: string;
  /** Leave BLOCKLET_SESSION_SECRET out, as older Blocklet Servers did (the SDK then derives it). */
  withoutSessionSecret?: boolean;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An HS256 JWT (RFC 7519), as jsonwebtoken's `sign` makes it. */
export function signHs256(claims: Record<string, unknown>, secret: string): string {
  const signingInput = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(claims)}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

export function simulateBlockletServer(options: SimulationOptions): SimulatedBlockletServer {
  const meta = readBlockletMeta();
  const node = fromRandom();
  const nodeSk = node.secretKey;
  const salt = options.salt ?? '';
  const app = getApplicationWallet(meta.did, nodeSk);
  const appEk = getApplicationWallet(meta.did, nodeSk, undefined, 1).secretKey;
  const accessSk = getApplicationWallet(meta.did, nodeSk, undefined, 2).secretKey;
  const { secret } = getBlockletInfo(
    { meta, environments: [], settings: { session: { salt } } } as unknown as Parameters<
      typeof getBlockletInfo
    >[0],
    nodeSk,
  );
  const dataDir = path.join(options.root, 'data', meta.name);
  const env: Record<string, string> = {
    ABT_NODE_DID: node.address,
    ABT_NODE_PK: node.publicKey,
    ABT_NODE_PORT: '8089',
    ABT_NODE_SERVICE_PORT: '40406',
    BLOCKLET_DID: meta.did,
    BLOCKLET_APP_PK: app.publicKey,
    BLOCKLET_APP_SK: app.secretKey,
    BLOCKLET_APP_ID: app.address,
    BLOCKLET_APP_PSK: app.secretKey,
    BLOCKLET_APP_PID: app.address,
    BLOCKLET_APP_PPK: app.publicKey,
    BLOCKLET_APP_IDS: app.address,
    BLOCKLET_APP_ASK: accessSk,
    BLOCKLET_APP_NAME: meta.title,
    BLOCKLET_APP_DESCRIPTION: meta.description,
    BLOCKLET_APP_URL: 'https://hub.blocklet.example',
    BLOCKLET_APP_DATA_DIR: dataDir,
    BLOCKLET_APP_TENANT_MODE: 'single',
    BLOCKLET_APP_SALT: salt,
    BLOCKLET_APP_VERSION: meta.version,
    BLOCKLET_REAL_DID: `${app.address}/${meta.did}`,
    BLOCKLET_REAL_NAME: meta.name,
    BLOCKLET_COMPONENT_DID: meta.did,
    BLOCKLET_COMPONENT_VERSION: meta.version,
    BLOCKLET_DATA_DIR: dataDir,
    BLOCKLET_LOG_DIR: path.join(options.root, 'logs', meta.name),
    BLOCKLET_CACHE_DIR: path.join(options.root, 'cache', meta.name),
    BLOCKLET_APP_DIR: REPO_ROOT,
    BLOCKLET_PORT: String(options.port),
    BLOCKLET_MOUNT_POINTS: JSON.stringify([
      { did: meta.did, name: meta.name, title: meta.title, mountPoint: '/', port: options.port },
    ]),
    BLOCKLET_MODE: 'test',
    BLOCKLET_APP_EK: appEk,
    ...(options.withoutSessionSecret !== true && { BLOCKLET_SESSION_SECRET: secret }),
  };
  return {
    did: meta.did,
    appEk,
    sessionSecret: secret,
    env,
    signLoginToken(user, token = {}) {
      const iat = token.issuedAt ?? Math.floor(Date.now() / 1000);
      const claims = {
        type: 'user',
        did: user.did,
        role: user.role,
        provider: 'wallet',
        kyc: 0,
        elevated: false,
        walletOS: 'ios',
        passport: { id: `passport-${user.role}` },
        fullName: `${user.role} person`,
        ...token.claims,
        iat,
        exp: iat + (token.expiresInSeconds ?? 24 * 3600),
      };
      return signHs256(claims, token.secret ?? secret);
    },
  };
}

/** Sets `vars` in this process's environment (@blocklet/sdk reads it there); returns the undo. */
export function setProcessEnv(vars: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** A port nothing listens on right now, for BLOCKLET_PORT (Blocklet Server assigns each blocklet a fixed one). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
