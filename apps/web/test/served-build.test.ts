/**
 * What a user runs: `aigne-hub start` (the real command line, in its own process) serves the production build
 * of the app from apps/web/dist on the hub's port, deep links included, with nothing of the development build.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, WEB_DIST } from './harness';

const CLI = fileURLToPath(new URL('../../server/bin/aigne-hub.js', import.meta.url));

let child: ChildProcess;
let url = '';
let output = '';
const dataDir = tempDir('web-cli-');

/** Starts `aigne-hub start` and resolves with the URL it prints once it listens. */
function startCli(): Promise<string> {
  // No HUB_WEB_DIR: the hub finds the app where the build puts it, as it does for a user.
  const { HUB_WEB_DIR: _unused, ...env } = process.env;
  child = spawn(
    process.execPath,
    [CLI, 'start', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir],
    {
      env: { ...env, NODE_ENV: 'production', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /is running at (http:\/\/\S+)/.exec(output);
      if (found?.[1]) resolve(found[1]);
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => reject(new Error(`aigne-hub start exited (${code}):\n${output}`)));
  });
}

beforeAll(async () => {
  url = await startCli();
}, 90_000);

afterAll(async () => {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('aigne-hub start', () => {
  const built = () => fs.readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');

  it('serves the built app at / and at every client-side route', async () => {
    for (const route of ['/', '/login', '/playground', '/admin/audit?outcome=denied']) {
      const response = await fetch(`${url}${route}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await response.text()).toBe(built());
    }
    // API paths never fall back to the app.
    expect((await fetch(`${url}/api/no-such-thing`)).status).toBe(404);
  });

  it('serves the hashed assets of the production build', async () => {
    const assets = [...built().matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]!);
    expect(assets.some((asset) => /^\/assets\/index-[\w-]+\.js$/.test(asset))).toBe(true);
    for (const asset of assets) {
      const response = await fetch(`${url}${asset}`);
      expect(response.status).toBe(200);
      const body = await response.text();
      expect(body).toBe(fs.readFileSync(path.join(WEB_DIST, asset), 'utf8'));
      // React's development build (what Vite makes when NODE_ENV is not production) has jsxDEV in it.
      expect(body).not.toContain('jsxDEV');
    }
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
