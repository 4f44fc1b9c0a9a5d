/**
 * `GET /api/ready` over real HTTP on a real data folder: 503 with its reasons until a provider is enabled,
 * 200 then, 503 again when the databases are not at this build's migration level (one pending, or one from
 * a newer build) and when a database is closed. `/api/health` stays a plain liveness answer throughout.
 */
import { MIGRATIONS_TABLE } from '@aigne-hub/db';
import { createTestDatabases } from '@aigne-hub/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReadiness } from '../src/observability/readiness';
import { newWallet, signIn, startTestHub, type HubClient, type TestHub } from './helpers';

let t: TestHub;
let owner: HubClient;

async function ready() {
  const response = await fetch(`${t.hub.url}/api/ready`);
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  t = await startTestHub();
  owner = (await signIn(t.hub.url, newWallet(), t.hub.setupCode!)).session.trpc;
});
afterAll(() => t.close());

describe('GET /api/ready', () => {
  let providerId: string;

  it('503 on a fresh hub: no provider is enabled (no credentials needed to ask)', async () => {
    expect(await ready()).toEqual({
      status: 503,
      body: {
        ready: false,
        checks: { databases: true, migrations: true, providers: false },
        reasons: ['no provider is enabled'],
      },
    });
    const health = await fetch(`${t.hub.url}/api/health`);
    expect(health.status).toBe(200);
  });

  it('200 once a provider is enabled', async () => {
    providerId = (
      await owner.providers.create.mutate({
        kind: 'openai-compatible',
        name: 'local',
        baseUrl: 'http://127.0.0.1:9/v1',
      })
    ).id;
    expect(await ready()).toEqual({
      status: 200,
      body: { ready: true, checks: { databases: true, migrations: true, providers: true }, reasons: [] },
    });
  });

  it('503 again when the only provider is switched off', async () => {
    await owner.providers.setEnabled.mutate({ id: providerId, enabled: false });
    expect(await ready()).toMatchObject({ status: 503, body: { reasons: ['no provider is enabled'] } });
    await owner.providers.setEnabled.mutate({ id: providerId, enabled: true });
    expect((await ready()).status).toBe(200);
  });

  it('503 while a migration is not applied, naming the database', async () => {
    const auth = t.hub.databases.auth.sqlite;
    // drizzle's table has no integer key of its own (`id SERIAL` is not a rowid alias in SQLite): use rowid.
    const newest = auth
      .prepare(`SELECT rowid, hash, created_at FROM "${MIGRATIONS_TABLE}" ORDER BY created_at DESC LIMIT 1`)
      .get() as { rowid: number; hash: string; created_at: number };
    auth.prepare(`DELETE FROM "${MIGRATIONS_TABLE}" WHERE rowid = ?`).run(newest.rowid);
    try {
      expect(await ready()).toEqual({
        status: 503,
        body: {
          ready: false,
          checks: { databases: true, migrations: false, providers: true },
          reasons: ['the auth database has 1 migration(s) not applied'],
        },
      });
    } finally {
      auth
        .prepare(`INSERT INTO "${MIGRATIONS_TABLE}" (hash, created_at) VALUES (?, ?)`)
        .run(newest.hash, newest.created_at);
    }
    expect((await ready()).status).toBe(200);
  });

  it('503 when a newer build migrated the hub database', async () => {
    const hub = t.hub.databases.hub.sqlite;
    const inserted = hub
      .prepare(`INSERT INTO "${MIGRATIONS_TABLE}" (hash, created_at) VALUES ('from-the-future', ?)`)
      .run(Date.now() + 86_400_000);
    try {
      expect(await ready()).toMatchObject({
        status: 503,
        body: {
          checks: { migrations: false },
          reasons: ['the hub database was migrated by a newer build'],
        },
      });
    } finally {
      hub.prepare(`DELETE FROM "${MIGRATIONS_TABLE}" WHERE rowid = ?`).run(inserted.lastInsertRowid);
    }
    expect((await ready()).status).toBe(200);
  });
});

describe('checkReadiness', () => {
  it('reports closed databases, and checks nothing that needs them', () => {
    const databases = createTestDatabases();
    databases.close();
    expect(checkReadiness(databases)).toEqual({
      ready: false,
      checks: { databases: false, migrations: false, providers: false },
      reasons: ['the hub database is not open', 'the auth database is not open'],
    });
  });

  it('reports one closed database', () => {
    const databases = createTestDatabases();
    try {
      databases.auth.close();
      expect(checkReadiness(databases).reasons).toEqual(['the auth database is not open']);
    } finally {
      databases.close();
    }
  });
});
