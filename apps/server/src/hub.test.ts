import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { openDatabase, type DatabaseKind } from '@aigne-hub/db';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEnv } from './env';
import { startHub, type RunningHub } from './hub';
import { HUB_VERSION } from './version';

let dir: string;
let hub: RunningHub | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-start-'));
});
afterEach(async () => {
  await hub?.close();
  hub = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

const silent = pino({ level: 'silent' });
// Reads the file as it is on disk, without running migrations, so the test sees what start-up created.
const tables = (kind: DatabaseKind, file: string) => {
  const opened = openDatabase(kind, file, { migrate: false });
  try {
    return (
      opened.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
        name: string;
      }[]
    ).map((row) => row.name);
  } finally {
    opened.close();
  }
};

describe('startHub', () => {
  it('serves /api/health and creates both databases and the key file on first start', async () => {
    const dataDir = path.join(dir, 'data');
    hub = await startHub(loadEnv({ PORT: '0', HOST: '127.0.0.1', HUB_DATA_DIR: dataDir }), {
      logger: silent,
    });

    const response = await fetch(`${hub.url}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, version: HUB_VERSION });

    expect(tables('hub', path.join(dataDir, 'hub.db'))).toEqual(
      expect.arrayContaining([
        'api_keys',
        'audit_events',
        'config',
        'credentials',
        'credit_transactions',
        'model_rates',
        'providers',
        'usage_records',
        'users',
        '__drizzle_migrations',
      ]),
    );
    expect(tables('auth', path.join(dataDir, 'auth.db'))).toEqual(
      expect.arrayContaining(['sessions', 'login_challenges', '__drizzle_migrations']),
    );
    expect(hub.keys).toMatchObject({
      source: 'file',
      created: true,
      keyFile: path.join(dataDir, 'master.key'),
    });
    expect(fs.statSync(path.join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
  });

  it('keeps its key and data across a restart', async () => {
    const env = loadEnv({ PORT: '0', HOST: '127.0.0.1', HUB_DATA_DIR: dir });
    hub = await startHub(env, { logger: silent });
    const keyId = hub.keys.keyring.activeKeyId;
    await hub.close();
    hub = await startHub(env, { logger: silent });
    expect(hub.keys.created).toBe(false);
    expect(hub.keys.keyring.activeKeyId).toBe(keyId);
  });

  it('serves a placeholder page when the web app is not built, and 404s unknown API paths', async () => {
    const env = loadEnv({
      PORT: '0',
      HOST: '127.0.0.1',
      HUB_DATA_DIR: dir,
      HUB_WEB_DIR: path.join(dir, 'no-web'),
    });
    hub = await startHub(env, { logger: silent });
    const page = await fetch(`${hub.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`aigne-hub ${HUB_VERSION}`);
    expect((await fetch(`${hub.url}/api/nope`)).status).toBe(404);
  });

  it('serves the built web app, with client-side routes falling back to index.html', async () => {
    const webDir = path.join(dir, 'web');
    fs.mkdirSync(webDir);
    fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><div id="root">web app</div>');
    const env = loadEnv({ PORT: '0', HOST: '127.0.0.1', HUB_DATA_DIR: dir, HUB_WEB_DIR: webDir });
    hub = await startHub(env, { logger: silent });
    for (const route of ['/', '/admin/providers']) {
      const page = await fetch(`${hub.url}${route}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('web app');
    }
    const api = await fetch(`${hub.url}/api/missing`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: 'not_found' });
  });

  it('releases the databases when the port is taken', async () => {
    const first = await startHub(loadEnv({ PORT: '0', HOST: '127.0.0.1', HUB_DATA_DIR: dir }), {
      logger: silent,
    });
    hub = first;
    const second = startHub(
      loadEnv({ PORT: String(first.port), HOST: '127.0.0.1', HUB_DATA_DIR: path.join(dir, 'other') }),
      { logger: silent },
    );
    await expect(second).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
