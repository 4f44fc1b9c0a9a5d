// blocklet.yml, checked by @blocklet/meta's own parser and validator (what Blocklet Server and the blocklet CLI
// run), and its start script run the way Blocklet Server runs it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toBlockletDid } from '@blocklet/meta/lib/did.js';
import { parse } from '@blocklet/meta/lib/parse.js';
import { validateMeta } from '@blocklet/meta/lib/validate.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envSchema, loadEnv } from '../src/env';
import { AIGNE_HUB_COMPONENT_DID } from '../src/gateway/aigne-blocklet';
import { HUB_VERSION } from '../src/version';
import { freePort, readBlockletMeta, REPO_ROOT, simulateBlockletServer } from './blocklet-server';

/** blocklet.yml as written (no fixes, no defaults). */
const raw = parse(REPO_ROOT, { fix: false }) as unknown as Record<string, unknown>;
const meta = readBlockletMeta();

/**
 * Paths of `written` that `validated` lost. The schema strips keys it does not know instead of refusing
 * them, so a misspelt key would otherwise pass validation and be silently ignored by Blocklet Server.
 */
function lostKeys(written: unknown, validated: unknown, at = ''): string[] {
  if (Array.isArray(written)) {
    return written.flatMap((item, index) =>
      lostKeys(item, Array.isArray(validated) ? validated[index] : undefined, `${at}[${index}]`),
    );
  }
  if (typeof written !== 'object' || written === null) return [];
  const target = (typeof validated === 'object' && validated !== null ? validated : {}) as Record<
    string,
    unknown
  >;
  return Object.entries(written).flatMap(([key, value]) =>
    key in target ? lostKeys(value, target[key], `${at}.${key}`) : [`${at}.${key}`],
  );
}

describe('blocklet.yml', () => {
  it('passes @blocklet/meta validation as written, and after its parser’s fixes, losing no key', () => {
    expect(() => validateMeta(raw, { ensureComponentStore: false })).not.toThrow();
    expect(meta.did).toBe(raw.did);
    expect(lostKeys(raw, meta)).toEqual([]);
  });

  it('is checked by a validator that does refuse a bad blocklet.yml', () => {
    expect(() => validateMeta({ ...raw, did: toBlockletDid('aigne-hub') })).toThrow(
      'The did of name "ai-kit" should be "z8ia3xzq2tMq8CRHfaXj1BTYJyYnEcHbqP8cJ"',
    );
    const environments = raw.environments as Record<string, unknown>[];
    expect(() =>
      validateMeta({ ...raw, environments: [...environments, { name: 'BLOCKLET_X', description: 'x' }] }),
    ).toThrow('Env name can not start with BLOCKLET_');
  });

  it('is AIGNE Hub’s component, under the DID AIGNE clients look for', () => {
    expect(meta.did).toBe(AIGNE_HUB_COMPONENT_DID);
    // Blocklet Server accepts that DID only with the name it was derived from.
    expect(toBlockletDid(meta.name)).toBe(meta.did);
    expect(meta.group).toBe('dapp');
    expect(meta.version).toBe(HUB_VERSION);
  });

  it('serves everything on one web interface at BLOCKLET_PORT, letting API-key callers through the gateway', () => {
    expect(meta.interfaces).toEqual([
      {
        type: 'web',
        name: 'publicUrl',
        path: '/',
        prefix: '*',
        port: 'BLOCKLET_PORT',
        protocol: 'http',
        proxyBehavior: 'service',
        services: [{ name: 'auth', config: { blockUnauthenticated: false, blockUnauthorized: false } }],
      },
    ]);
  });

  it('declares only variables the hub reads, with defaults it accepts, and no secret default', () => {
    const known = Object.keys(envSchema.shape);
    const environments = meta.environments ?? [];
    for (const variable of environments) {
      expect(known).toContain(variable.name);
      if (variable.secure) expect(variable.default ?? '').toBe('');
      if (variable.default) {
        expect(() => loadEnv({ [variable.name]: variable.default })).not.toThrow();
      }
    }
    expect(environments.map((variable) => variable.name)).toEqual([
      'LOG_LEVEL',
      'HUB_PUBLIC_URL',
      'HUB_ENCRYPTION_KEYS',
    ]);
  });

  it('starts from a main script that exists, runs one instance per data folder, and needs our Node', () => {
    expect(fs.statSync(path.join(REPO_ROOT, meta.main!)).isFile()).toBe(true);
    expect(meta.scripts?.dev).toBe(`node ${meta.main}`);
    expect(meta.capabilities).toMatchObject({ clusterMode: false, singleton: true });
    const rootPackage = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      engines: { node: string };
    };
    expect(meta.requirements?.nodejs).toBe(rootPackage.engines.node);
  });
});

describe('the start script, run as Blocklet Server runs it', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-blocklet-main-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('`node <main>` with Blocklet Server’s variables and no command serves the hub in Blocklet mode', async () => {
    const port = await freePort();
    const blocklet = simulateBlockletServer({ root, port });
    const child = spawn(process.execPath, [meta.main!], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...blocklet.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = `http://127.0.0.1:${port}`;
      let health: Response | null = null;
      for (let attempt = 0; attempt < 200 && health === null; attempt += 1) {
        if (child.exitCode !== null) throw new Error(`the hub exited: ${stderr}`);
        health = await fetch(`${url}/api/health`).catch(() => null);
        if (health === null) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(health?.status).toBe(200);
      expect(await health!.json()).toEqual({ ok: true, version: HUB_VERSION });
      expect(stdout).toContain(`is running at ${blocklet.env.BLOCKLET_APP_URL}`);
      expect(stdout).toContain('master key:  derived from BLOCKLET_APP_EK and BLOCKLET_DID');
      expect(fs.existsSync(path.join(blocklet.env.BLOCKLET_DATA_DIR!, 'hub.db'))).toBe(true);
      // Blocklet mode: identity headers get nobody in.
      const forged = await fetch(`${url}/api/v1/models`, {
        headers: { 'x-user-did': blocklet.did, 'x-user-role': 'owner' },
      });
      expect(forged.status).toBe(401);
      // And a login token Blocklet Server signed does.
      const me = await fetch(`${url}/api/trpc/me.get`, {
        headers: {
          authorization: `Bearer ${blocklet.signLoginToken({ did: blocklet.env.ABT_NODE_DID!, role: 'owner' })}`,
        },
      });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ result: { data: { role: 'owner', via: 'blocklet' } } });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
  });
});
