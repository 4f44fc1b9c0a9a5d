// The hub under Blocklet Server, over real HTTP: started from the variables Blocklet Server gives a blocklet,
// people identified by the login tokens Blocklet Server signs (verified by @blocklet/sdk), never by headers.
import { hkdfSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BLOCKLET_MASTER_KEY_INFO, Keyring, masterKeyId } from '@aigne-hub/core';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env';
import { startHub, type RunningHub } from '../src/hub';
import { AUDIT_KEY_SECRET, readSystemSecret } from '../src/keys/system-secrets';
import {
  freePort,
  setProcessEnv,
  simulateBlockletServer,
  type SimulatedBlockletServer,
} from './blocklet-server';
import { caller, errorCode, newWallet, startTestHub, type TestHub } from './helpers';

let root: string;
let otherDataDir: string;
let blocklet: SimulatedBlockletServer;
let hub: RunningHub;
let url: string;
let restoreEnv: () => void;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-blocklet-'));
  otherDataDir = path.join(root, 'standalone-data');
  blocklet = simulateBlockletServer({ root, port: await freePort() });
  restoreEnv = setProcessEnv(blocklet.env);
  hub = await startHub(
    loadEnv({
      ...blocklet.env,
      HOST: '127.0.0.1',
      // Ignored in Blocklet mode: the data folder is BLOCKLET_DATA_DIR.
      HUB_DATA_DIR: otherDataDir,
      HUB_WEB_DIR: path.join(root, 'no-web'),
    }),
    { logger: pino({ level: 'silent' }) },
  );
  url = `http://127.0.0.1:${hub.port}`;
});

afterAll(async () => {
  await hub.close();
  restoreEnv();
  fs.rmSync(root, { recursive: true, force: true });
});

const didOf = (address: string) => `did:abt:${address}`;

/** A browser signed in to Blocklet Server: its login token in the `login_token` cookie. */
function browser(token: string) {
  const client = caller(url);
  client.headers.cookie = `login_token=${token}`;
  client.headers.origin = url;
  return client;
}

function auditRows(where: string, ...params: unknown[]) {
  return hub.services.hubDb.$client
    .prepare(
      `SELECT action, outcome, reason, actor_did, actor_role, via, target_id, details FROM audit_events WHERE ${where} ORDER BY seq`,
    )
    .all(...params) as {
    action: string;
    outcome: string;
    reason: string | null;
    actor_did: string | null;
    actor_role: string | null;
    via: string | null;
    target_id: string | null;
    details: string | null;
  }[];
}

function userRow(did: string) {
  return hub.services.hubDb.$client.prepare('SELECT did, role FROM users WHERE did = ?').get(did) as
    { did: string; role: string } | undefined;
}

describe('starting under Blocklet Server', () => {
  it('listens on BLOCKLET_PORT, keeps its data in BLOCKLET_DATA_DIR and makes no owner setup code', () => {
    expect(hub.port).toBe(Number(blocklet.env.BLOCKLET_PORT));
    expect(hub.url).toBe('https://hub.blocklet.example');
    const dataDir = blocklet.env.BLOCKLET_DATA_DIR!;
    expect(hub.env.dataDir).toBe(dataDir);
    for (const file of ['hub.db', 'auth.db']) expect(fs.existsSync(path.join(dataDir, file))).toBe(true);
    // No key file (the key is derived), no setup code (owners are Blocklet Server's), nothing in HUB_DATA_DIR.
    expect(fs.existsSync(path.join(dataDir, 'master.key'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'setup-code'))).toBe(false);
    expect(hub.setupCode).toBeNull();
    expect(fs.existsSync(otherDataDir)).toBe(false);
  });

  it('derives its master key from BLOCKLET_APP_EK and BLOCKLET_DID with HKDF-SHA256', () => {
    const expected = Buffer.from(
      hkdfSync(
        'sha256',
        Buffer.from(blocklet.appEk.replace(/^0x/, ''), 'hex'),
        Buffer.from(blocklet.did, 'utf8'),
        BLOCKLET_MASTER_KEY_INFO,
        32,
      ),
    );
    expect(hub.keys.source).toBe('blocklet');
    expect([...hub.keys.keyring.keyIds]).toEqual([masterKeyId(expected)]);
    // What the hub encrypted at its first start opens with that key, computed here on its own.
    const auditKey = readSystemSecret(hub.services.hubDb, new Keyring([expected]), AUDIT_KEY_SECRET);
    expect(auditKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('closes the hub’s own sign-ins: wallet challenge and DID Connect', async () => {
    const anonymous = caller(url);
    expect(await errorCode(anonymous.trpc.auth.challenge.mutate({ did: newWallet().address }))).toBe(
      'PRECONDITION_FAILED',
    );
    const connect = await fetch(`${url}/api/did/login/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: url },
      body: '{}',
    });
    expect(connect.status).toBe(404);
  });
});

describe('identity from Blocklet Server’s login token', () => {
  it('maps Blocklet roles to hub roles: owner, admin, and everyone else guest', async () => {
    const cases = [
      { role: 'owner', hubRole: 'owner', admin: true },
      { role: 'admin', hubRole: 'admin', admin: true },
      { role: 'guest', hubRole: 'guest', admin: false },
      { role: 'member', hubRole: 'guest', admin: false },
    ] as const;
    for (const { role, hubRole, admin } of cases) {
      const person = newWallet();
      const client = browser(blocklet.signLoginToken({ did: person.address, role }));
      expect(await client.trpc.me.get.query()).toMatchObject({
        did: didOf(person.address),
        role: hubRole,
        via: 'blocklet',
      });
      if (admin) {
        const listed = await client.trpc.users.list.query({ search: person.address });
        expect(listed.items.map((user) => [user.did, user.role])).toEqual([[didOf(person.address), hubRole]]);
      } else {
        expect(await errorCode(client.trpc.users.list.query())).toBe('FORBIDDEN');
      }
      // The hub keeps a user row for credits and keys, created on first sight with Blocklet Server's role.
      expect(userRow(didOf(person.address))).toEqual({ did: didOf(person.address), role: hubRole });
      expect(
        auditRows("action LIKE 'users.%' AND target_id = ?", didOf(person.address)).map((row) => [
          row.action,
          row.via,
          row.actor_role,
          JSON.parse(row.details!) as unknown,
        ]),
      ).toEqual([
        [
          'users.create',
          'blocklet',
          hubRole,
          { role: hubRole, credits: 0, blockletRole: role, source: 'Blocklet Server' },
        ],
      ]);
    }
  });

  it('owner-only procedures are for Blocklet Server’s owner only', async () => {
    const admin = browser(blocklet.signLoginToken({ did: newWallet().address, role: 'admin' }));
    const target = newWallet();
    await browser(blocklet.signLoginToken({ did: target.address, role: 'guest' })).trpc.me.get.query();
    expect(await errorCode(admin.trpc.users.transferOwnership.mutate({ did: didOf(target.address) }))).toBe(
      'FORBIDDEN',
    );
  });

  it('refuses role changes and ownership transfers made in the hub: Blocklet Server owns roles', async () => {
    const owner = browser(blocklet.signLoginToken({ did: newWallet().address, role: 'owner' }));
    const target = newWallet();
    await browser(blocklet.signLoginToken({ did: target.address, role: 'guest' })).trpc.me.get.query();
    const did = didOf(target.address);
    expect(await errorCode(owner.trpc.users.setRole.mutate({ did, role: 'admin' }))).toBe(
      'PRECONDITION_FAILED',
    );
    expect(await errorCode(owner.trpc.users.transferOwnership.mutate({ did }))).toBe('PRECONDITION_FAILED');
    expect(userRow(did)).toEqual({ did, role: 'guest' });
    expect(
      auditRows("action IN ('users.setRole', 'users.transferOwnership') AND target_id = ?", did).map(
        (row) => [row.action, row.outcome, row.reason],
      ),
    ).toEqual([
      ['users.setRole', 'denied', expect.stringMatching(/managed by Blocklet Server/)],
      ['users.transferOwnership', 'denied', expect.stringMatching(/managed by Blocklet Server/)],
    ]);
  });

  it('accepts the token as Authorization: Bearer too (programs), and its API keys keep the Blocklet role', async () => {
    const person = newWallet();
    const token = blocklet.signLoginToken({ did: person.address, role: 'admin' });
    const program = caller(url, { bearer: token });
    expect(await program.trpc.me.get.query()).toMatchObject({ role: 'admin', via: 'blocklet' });
    const { secret } = await program.trpc.apiKeys.create.mutate({ name: 'ci', scopes: ['api', 'ai'] });
    const withKey = caller(url, { bearer: secret });
    expect(await withKey.trpc.me.get.query()).toMatchObject({
      did: didOf(person.address),
      role: 'admin',
      via: 'apiKey',
    });
    // Blocklet Server takes the admin passport away: the next sign-in says guest, and the key follows.
    await browser(blocklet.signLoginToken({ did: person.address, role: 'guest' })).trpc.me.get.query();
    expect(await errorCode(withKey.trpc.users.list.query())).toBe('FORBIDDEN');
  });

  it('follows a role change in Blocklet Server on the very next request, audited', async () => {
    const person = newWallet();
    const did = didOf(person.address);
    const asAdmin = browser(blocklet.signLoginToken({ did: person.address, role: 'admin' }));
    await expect(asAdmin.trpc.users.list.query()).resolves.toMatchObject({ items: expect.any(Array) });
    const asGuest = browser(blocklet.signLoginToken({ did: person.address, role: 'guest' }));
    expect(await errorCode(asGuest.trpc.users.list.query())).toBe('FORBIDDEN');
    expect(userRow(did)).toEqual({ did, role: 'guest' });
    const synced = auditRows("action = 'users.syncRole' AND target_id = ?", did);
    expect(synced.map((row) => JSON.parse(row.details!) as unknown)).toEqual([
      { from: 'admin', to: 'guest', blockletRole: 'guest', source: 'Blocklet Server' },
    ]);
    // A request that changes nothing writes nothing.
    await asGuest.trpc.me.get.query();
    expect(auditRows("action LIKE 'users.%' AND target_id = ?", did)).toHaveLength(2);
  });
});

describe('no identity without a verified Blocklet Server session', () => {
  /** The UNAUTHORIZED a call gets, with the reason audited for it. */
  async function refused(client: ReturnType<typeof caller>) {
    const before = auditRows("action = 'me.get' AND outcome = 'denied'").length;
    expect(await errorCode(client.trpc.me.get.query())).toBe('UNAUTHORIZED');
    const denied = auditRows("action = 'me.get' AND outcome = 'denied'");
    expect(denied).toHaveLength(before + 1);
    return denied.at(-1)!.reason;
  }

  it('refuses forged x-user-did / x-user-role headers (what Blocklet Server’s gateway would add)', async () => {
    const victim = newWallet();
    const forged = caller(url);
    forged.headers['x-user-did'] = victim.address;
    forged.headers['x-user-role'] = 'owner';
    forged.headers['x-user-fullname'] = 'Owner';
    forged.headers['x-user-wallet-os'] = 'ios';
    expect(await refused(forged)).toBe('no credentials');
    expect(await errorCode(forged.trpc.users.list.query())).toBe('UNAUTHORIZED');
    // Nor through the AI endpoints.
    const models = await fetch(`${url}/api/v1/models`, { headers: forged.headers });
    expect(models.status).toBe(401);
    expect(userRow(didOf(victim.address))).toBeUndefined();
  });

  it('refuses a token signed with another key, even with the headers alongside', async () => {
    const victim = newWallet();
    const forgedToken = blocklet.signLoginToken(
      { did: victim.address, role: 'owner' },
      { secret: simulateBlockletServer({ root, port: 1 }).sessionSecret },
    );
    const forged = browser(forgedToken);
    forged.headers['x-user-did'] = victim.address;
    forged.headers['x-user-role'] = 'owner';
    expect(await refused(forged)).toBe('blocklet: unverified');
    expect(await refused(caller(url, { bearer: forgedToken }))).toBe('blocklet: unverified');
    expect(userRow(didOf(victim.address))).toBeUndefined();
  });

  it('refuses an unsigned token (alg none) and an altered one', async () => {
    const victim = newWallet();
    const real = blocklet.signLoginToken({ did: victim.address, role: 'guest' });
    const [, payload] = real.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    expect(await refused(browser(none))).toBe('blocklet: unverified');
    const promoted = Buffer.from(JSON.stringify({ ...claims, role: 'owner' })).toString('base64url');
    const [header, , signature] = real.split('.');
    expect(await refused(browser(`${header}.${promoted}.${signature}`))).toBe('blocklet: unverified');
  });

  it('refuses an expired login token, saying so', async () => {
    const person = newWallet();
    const stale = blocklet.signLoginToken(
      { did: person.address, role: 'admin' },
      { issuedAt: Math.floor(Date.now() / 1000) - 2 * 24 * 3600 },
    );
    const client = browser(stale);
    expect(await refused(client)).toBe('blocklet: expired');
    await expect(client.trpc.me.get.query()).rejects.toMatchObject({
      message: 'The Blocklet Server sign-in has expired; sign in again',
    });
  });

  it('refuses other tokens Blocklet Server signs with the same key (refresh tokens, other kinds)', async () => {
    const person = newWallet();
    const refresh = blocklet.signLoginToken(
      { did: person.address, role: 'owner' },
      { claims: { tokenType: 'refresh' } },
    );
    expect(await refused(browser(refresh))).toBe('blocklet: not_login_token');
    const controller = blocklet.signLoginToken(
      { did: person.address, role: 'owner' },
      { claims: { type: 'blocklet_controller' } },
    );
    expect(await refused(browser(controller))).toBe('blocklet: not_login_token');
    expect(userRow(didOf(person.address))).toBeUndefined();
  });

  it('a verified guest stays a guest whatever role header comes with it', async () => {
    const person = newWallet();
    const client = browser(blocklet.signLoginToken({ did: person.address, role: 'guest' }));
    client.headers['x-user-role'] = 'owner';
    client.headers['x-user-did'] = newWallet().address;
    expect(await client.trpc.me.get.query()).toMatchObject({ did: didOf(person.address), role: 'guest' });
    expect(await errorCode(client.trpc.users.list.query())).toBe('FORBIDDEN');
  });
});

describe('standalone mode (no BLOCKLET_* in the hub’s environment)', () => {
  let standalone: TestHub;
  beforeAll(async () => {
    standalone = await startTestHub();
  });
  afterAll(() => standalone.close());

  it('ignores x-user-did / x-user-role: UNAUTHORIZED, even claiming owner', async () => {
    const forged = caller(standalone.hub.url);
    forged.headers['x-user-did'] = newWallet().address;
    forged.headers['x-user-role'] = 'owner';
    expect(await errorCode(forged.trpc.me.get.query())).toBe('UNAUTHORIZED');
    expect(await errorCode(forged.trpc.users.list.query())).toBe('UNAUTHORIZED');
  });

  it('gives a Blocklet Server login token no meaning, even a correctly signed one', async () => {
    const token = blocklet.signLoginToken({ did: newWallet().address, role: 'owner' });
    const withCookie = caller(standalone.hub.url);
    withCookie.headers.cookie = `login_token=${token}`;
    expect(await errorCode(withCookie.trpc.me.get.query())).toBe('UNAUTHORIZED');
    expect(await errorCode(caller(standalone.hub.url, { bearer: token }).trpc.me.get.query())).toBe(
      'UNAUTHORIZED',
    );
  });
});
