import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHealth } from './health';

// A real HTTP server on 127.0.0.1 answering the way the hub (or a broken proxy in front of it) would.
let server: http.Server;
let base: string;
const routes: Record<string, { status: number; body: string }> = {
  '/ok/api/health': { status: 200, body: JSON.stringify({ ok: true, version: '1.2.3' }) },
  '/down/api/health': { status: 503, body: 'Service Unavailable' },
  '/odd/api/health': { status: 200, body: JSON.stringify({ ok: 'yes' }) },
  '/html/api/health': { status: 200, body: '<html></html>' },
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const route = routes[req.url ?? ''];
    res.writeHead(route?.status ?? 404, { 'content-type': 'application/json' });
    res.end(route?.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const under =
  (prefix: string): typeof fetch =>
  (input, init) =>
    fetch(`${base}${prefix}${input as string}`, init);

describe('fetchHealth', () => {
  it('reads the version from a healthy hub', async () => {
    await expect(fetchHealth(under('/ok'))).resolves.toEqual({ status: 'ok', version: '1.2.3' });
  });

  it('reports an error status without throwing', async () => {
    await expect(fetchHealth(under('/down'))).resolves.toEqual({
      status: 'error',
      message: 'the hub answered 503',
    });
  });

  it('rejects a body that is not the health shape', async () => {
    await expect(fetchHealth(under('/odd'))).resolves.toMatchObject({ status: 'error' });
    await expect(fetchHealth(under('/html'))).resolves.toEqual({
      status: 'error',
      message: 'the hub cannot be reached',
    });
  });

  it('reports an unreachable hub', async () => {
    const closed: typeof fetch = (input, init) => fetch(`http://127.0.0.1:1${input as string}`, init);
    await expect(fetchHealth(closed)).resolves.toEqual({
      status: 'error',
      message: 'the hub cannot be reached',
    });
  });
});
