/**
 * The hub's configuration from the environment. This is the only file that reads `process.env`; everything
 * else receives a validated `Env`. Each variable carries a description: the configuration reference in the
 * docs is generated from this schema so that it cannot drift.
 */
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

export const envSchema = z.object({
  PORT: port.default(8090).describe('TCP port the hub listens on (API, AI gateway and web app on one port).'),
  HOST: z
    .string()
    .trim()
    .min(1)
    .default('0.0.0.0')
    .describe('Interface to listen on. Use 127.0.0.1 to accept local connections only.'),
  HUB_DATA_DIR: z
    .string()
    .trim()
    .min(1)
    .default('./data')
    .describe('Folder holding hub.db, auth.db, the master key file (unless HUB_KEY_FILE says otherwise).'),
  HUB_ENCRYPTION_KEYS: optionalString.describe(
    'Comma-separated base64 256-bit master keys; the first encrypts, all decrypt. When unset the key file is used (and created on first start).',
  ),
  HUB_KEY_FILE: optionalString.describe(
    'Path of the master key file used when HUB_ENCRYPTION_KEYS is unset. Default: <HUB_DATA_DIR>/master.key.',
  ),
  HUB_PUBLIC_URL: optionalString
    .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional())
    .describe(
      'The URL people use to reach the hub (e.g. https://hub.example.com). Sets the sign-in domain, the cookie Secure flag and the allowed Origin. Default: http://localhost:<PORT>.',
    ),
  HUB_TRUST_PROXY: z
    .string()
    .trim()
    .default('false')
    .transform((value, ctx) => {
      const parsed = parseTrustProxy(value);
      if (parsed === null) {
        ctx.addIssue({
          code: 'custom',
          message:
            'must be true, false, a number of proxy hops, or a comma-separated list of proxy addresses/CIDRs (or loopback, linklocal, uniquelocal)',
        });
        return z.NEVER;
      }
      return parsed;
    })
    .describe(
      'Which reverse proxies in front of the hub to believe about the client address (X-Forwarded-For/-Proto), used for rate limits, API key address rules and the audit trail. `false` (default): none. A number: that many proxy hops. A list: only proxies at those addresses/CIDRs (`loopback` for one on the same machine, as under Blocklet Server). `true` trusts any sender, so clients can forge their address: only behind a proxy that overwrites the header.',
    ),
  HUB_HEADERS_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(500, 'must be at least 500')
    .max(300_000, 'must be at most 300000')
    .default(15_000)
    .describe(
      'Milliseconds a client has to send the request line and headers; slower connections (slowloris) are closed.',
    ),
  HUB_REQUEST_TIMEOUT_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1_000, 'must be at least 1000')
    .max(3_600_000, 'must be at most 3600000')
    .default(120_000)
    .describe(
      'Milliseconds a client has to send a whole request (headers and body); a body trickled slower is refused. Answers, streams included, are not limited by it.',
    ),
  HUB_WEB_DIR: optionalString.describe('Folder of the built web app. Default: the apps/web build output.'),
  HUB_SHUTDOWN_GRACE_MS: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 3600000')
    .max(3_600_000, 'must be between 0 and 3600000')
    .default(25_000)
    .describe(
      'On SIGTERM or SIGINT the hub stops accepting connections and gives requests and streams in flight this many milliseconds to finish; then it cuts the rest (metered as aborted), writes every pending usage record and closes the databases. A second signal cuts at once. Keep it below the time your supervisor waits before killing (Kubernetes: terminationGracePeriodSeconds, 30 s by default).',
    ),
  HUB_METRICS_TOKEN: optionalString
    .pipe(z.string().min(24, 'must be at least 24 characters').optional())
    .describe(
      'Bearer token that may read GET /metrics (for Prometheus: `authorization: Bearer <token>`). Without it, only an owner or admin API key with the `api` scope may. Use a long random value (at least 24 characters).',
    ),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe(
      'Log level of the structured logs: JSON lines, or human-readable ones when stdout is a terminal.',
    ),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production').describe('Runtime mode.'),
  BLOCKLET_APP_EK: optionalString.describe(
    'Set by Blocklet Server. With BLOCKLET_DID it selects Blocklet mode and derives the master key (HKDF).',
  ),
  BLOCKLET_DID: optionalString.describe('Set by Blocklet Server: the DID of this blocklet.'),
  BLOCKLET_DATA_DIR: optionalString.describe(
    'Set by Blocklet Server: the data folder used in Blocklet mode.',
  ),
  BLOCKLET_PORT: port.optional().describe('Set by Blocklet Server: the port to listen on in Blocklet mode.'),
  BLOCKLET_APP_URL: optionalString
    .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional())
    .describe(
      'Set by Blocklet Server: the URL of the app the hub runs in. In Blocklet mode it is the public URL unless HUB_PUBLIC_URL is set.',
    ),
  BLOCKLET_SESSION_SECRET: optionalString.describe(
    'Set by Blocklet Server: the key of its login tokens. @blocklet/sdk reads it to verify who is signed in; in Blocklet mode the hub refuses to start without it (or BLOCKLET_APP_SK).',
  ),
  BLOCKLET_APP_SK: optionalString.describe(
    "Set by older Blocklet Servers: the app's secret key, from which @blocklet/sdk derives the login token key when BLOCKLET_SESSION_SECRET is absent.",
  ),
});

export type EnvInput = z.input<typeof envSchema>;

export interface Env {
  port: number;
  host: string;
  dataDir: string;
  encryptionKeys: string | undefined;
  keyFile: string;
  /** Without HUB_PUBLIC_URL this is undefined and the hub uses http://localhost:<bound port>. */
  publicUrl: string | undefined;
  webDir: string | undefined;
  /** Fastify's trustProxy: false, true, a hop count, or the proxy addresses/CIDRs to believe. */
  trustProxy: boolean | number | string[];
  /** Time allowed for a request's line and headers (HUB_HEADERS_TIMEOUT_MS). */
  headersTimeoutMs: number;
  /** Time allowed for a whole request, never less than the headers' (HUB_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number;
  /** The scrape token of `/metrics` (HUB_METRICS_TOKEN); undefined when only admins may scrape. */
  metricsToken: string | undefined;
  /** How long in-flight requests may take to finish on shutdown (HUB_SHUTDOWN_GRACE_MS). */
  shutdownGraceMs: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  nodeEnv: z.infer<typeof envSchema>['NODE_ENV'];
  /** Present only when the process runs under Blocklet Server. */
  blocklet: { appEk: string; did: string } | undefined;
  /**
   * Where @blocklet/sdk takes the key that verifies Blocklet Server login tokens from (it reads the variable
   * itself; the hub never holds the key): BLOCKLET_SESSION_SECRET, else a key derived from BLOCKLET_APP_SK.
   * Undefined when neither is set, and then Blocklet mode refuses to start.
   */
  blockletLoginKey: 'session-secret' | 'app-sk' | undefined;
}

const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** HUB_TRUST_PROXY as Fastify takes it, or null when it is none of the accepted forms. */
export function parseTrustProxy(value: string): boolean | number | string[] | null {
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false' || lower === '0') return false;
  // A hop count: 1 believes the nearest proxy only (Fastify's meaning of a number).
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const entries = value.split(',').map((entry) => entry.trim());
  const valid = entries.every((entry) => {
    if (PROXY_RANGE_NAMES.has(entry)) return true;
    const [address, bits, ...rest] = entry.split('/');
    if (rest.length > 0 || !address || !ipaddr.isValid(address)) return false;
    if (bits === undefined) return true;
    const max = ipaddr.parse(address).kind() === 'ipv4' ? 32 : 128;
    return /^\d{1,3}$/.test(bits) && Number(bits) <= max;
  });
  return valid && entries.length > 0 ? entries : null;
}

/** Thrown for a configuration the hub cannot start with; the message is one line naming the variable. */
export class EnvError extends Error {
  override name = 'EnvError';
}

/**
 * Validates the environment. Unknown variables are ignored; a bad one fails with a one-line reason that
 * names the variable but never echoes its value (it may be a key).
 */
export function loadEnv(source: Record<string, string | undefined> = process.env, cwd = process.cwd()): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue?.path.join('.') ?? 'environment';
    throw new EnvError(`${name} ${issue?.message ?? 'is invalid'}`);
  }
  const raw = parsed.data;
  const blocklet =
    raw.BLOCKLET_APP_EK && raw.BLOCKLET_DID
      ? { appEk: raw.BLOCKLET_APP_EK, did: raw.BLOCKLET_DID }
      : undefined;
  const port = blocklet && raw.BLOCKLET_PORT !== undefined ? raw.BLOCKLET_PORT : raw.PORT;
  const dataDir = path.resolve(
    cwd,
    blocklet && raw.BLOCKLET_DATA_DIR ? raw.BLOCKLET_DATA_DIR : raw.HUB_DATA_DIR,
  );
  return {
    port,
    host: raw.HOST,
    dataDir,
    encryptionKeys: raw.HUB_ENCRYPTION_KEYS,
    keyFile: raw.HUB_KEY_FILE ? path.resolve(cwd, raw.HUB_KEY_FILE) : path.join(dataDir, 'master.key'),
    publicUrl: (raw.HUB_PUBLIC_URL ?? (blocklet ? raw.BLOCKLET_APP_URL : undefined))?.replace(/\/+$/, ''),
    webDir: raw.HUB_WEB_DIR ? path.resolve(cwd, raw.HUB_WEB_DIR) : undefined,
    // Under Blocklet Server every request comes through its gateway on this machine: believe that one only.
    trustProxy: blocklet && !source.HUB_TRUST_PROXY?.trim() ? ['loopback'] : raw.HUB_TRUST_PROXY,
    headersTimeoutMs: raw.HUB_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: Math.max(raw.HUB_REQUEST_TIMEOUT_MS, raw.HUB_HEADERS_TIMEOUT_MS),
    metricsToken: raw.HUB_METRICS_TOKEN,
    shutdownGraceMs: raw.HUB_SHUTDOWN_GRACE_MS,
    logLevel: raw.LOG_LEVEL,
    nodeEnv: raw.NODE_ENV,
    blocklet,
    blockletLoginKey: raw.BLOCKLET_SESSION_SECRET
      ? 'session-secret'
      : raw.BLOCKLET_APP_SK
        ? 'app-sk'
        : undefined,
  };
}
