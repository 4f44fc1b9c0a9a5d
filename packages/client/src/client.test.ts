import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HUB_VERSION, loadEnv, startHub, type RunningHub } from '@aigne-hub/server';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubClient, HubClientError } from './index';

// A real hub on a temporary data folder; the client talks to it over HTTP.
let hub: RunningHub;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-client-'));
  // No built web app: unknown paths answer 404 instead of the app shell.
  const env = loadEnv({
    PORT: '0',
    HOST: '127.0.0.1',
    HUB_DATA_DIR: dir,
    HUB_WEB_DIR: path.join(dir, 'no-web'),
  });
  hub = await startHub(env, {
    logger: pino({ level: 'silent' }),
  });
});

afterAll(async () => {
  await hub.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('createHubClient', () => {
  it('reads the health of a running hub', async () => {
    const client = createHubClient({ url: `${hub.url}/` });
    expect(client.url).toBe(hub.url);
    await expect(client.health()).resolves.toEqual({ ok: true, version: HUB_VERSION });
  });

  it('reports an unreachable hub as a HubClientError without a status', async () => {
    const client = createHubClient({ url: 'http://127.0.0.1:1' });
    const error = await client.health().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubClientError);
    expect(error).toMatchObject({ status: undefined });
  });

  it('reports a non-hub answer with its status', async () => {
    const client = createHubClient({ url: `${hub.url}/not-a-hub` });
    await expect(client.health()).rejects.toMatchObject({ name: 'HubClientError', status: 404 });
  });

  it('refuses URLs that are not http(s) or that carry credentials', () => {
    expect(() => createHubClient({ url: 'ftp://hub' })).toThrow(/http or https/);
    expect(() => createHubClient({ url: 'hub.example.com' })).toThrow(/absolute/);
    expect(() => createHubClient({ url: 'https://user:pw@hub.example.com' })).toThrow(/not in the URL/);
  });
});
