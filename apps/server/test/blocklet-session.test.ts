// verifyBlockletLoginToken against @blocklet/sdk's real verifier, with login tokens made the way Blocklet Server
// makes them (test/blocklet-server.ts), under both ways Blocklet Server hands the key to a blocklet.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBlockletLoginToken } from '../src/blocklet/session';
import { loadEnv } from '../src/env';
import { startHub } from '../src/hub';
import { setProcessEnv, signHs256, simulateBlockletServer } from './blocklet-server';
import { newWallet } from './helpers';

let root: string;
let restoreEnv: () => void;
// The app has a session salt, as Blocklet Server sets one per app: the SDK must use it to derive the key.
const blocklet = (() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-blocklet-session-'));
  return simulateBlockletServer({ root, port: 40100, salt: 'c2FsdC1vZi10aGUtYXBw' });
})();

beforeAll(() => {
  restoreEnv = setProcessEnv(blocklet.env);
});
afterAll(() => {
  restoreEnv();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('verifyBlockletLoginToken', () => {
  it('returns the DID (normalized) and role of a login token Blocklet Server signed', async () => {
    const person = newWallet();
    expect(
      await verifyBlockletLoginToken(blocklet.signLoginToken({ did: person.address, role: 'owner' })),
    ).toEqual({
      ok: true,
      user: { did: `did:abt:${person.address}`, role: 'owner', blockletRole: 'owner' },
    });
    expect(
      await verifyBlockletLoginToken(
        blocklet.signLoginToken({ did: person.address, role: 'blocklet-admin' }),
      ),
    ).toEqual({
      ok: true,
      user: { did: `did:abt:${person.address}`, role: 'admin', blockletRole: 'blocklet-admin' },
    });
  });

  it('verifies with the key the SDK derives from BLOCKLET_APP_SK and the salt when BLOCKLET_SESSION_SECRET is absent (older Blocklet Servers)', async () => {
    const undo = setProcessEnv({ BLOCKLET_SESSION_SECRET: '' });
    delete process.env.BLOCKLET_SESSION_SECRET;
    try {
      const person = newWallet();
      expect(
        await verifyBlockletLoginToken(blocklet.signLoginToken({ did: person.address, role: 'admin' })),
      ).toMatchObject({ ok: true, user: { role: 'admin' } });
      // The derivation is not the session secret of another app.
      const other = simulateBlockletServer({ root, port: 1, salt: 'c2FsdC1vZi10aGUtYXBw' });
      expect(
        await verifyBlockletLoginToken(other.signLoginToken({ did: person.address, role: 'admin' })),
      ).toEqual({ ok: false, reason: 'unverified' });
    } finally {
      undo();
    }
    expect(process.env.BLOCKLET_SESSION_SECRET).toBe(blocklet.sessionSecret);
  });

  it('says why a token is refused', async () => {
    const address = newWallet().address;
    const now = Math.floor(Date.now() / 1000);
    expect(await verifyBlockletLoginToken('ahk_notajwt')).toEqual({ ok: false, reason: 'malformed' });
    expect(await verifyBlockletLoginToken('a.b')).toEqual({ ok: false, reason: 'malformed' });
    expect(
      await verifyBlockletLoginToken(
        blocklet.signLoginToken({ did: address, role: 'owner' }, { secret: 'not-the-secret' }),
      ),
    ).toEqual({ ok: false, reason: 'unverified' });
    expect(
      await verifyBlockletLoginToken(
        blocklet.signLoginToken({ did: address, role: 'owner' }, { issuedAt: now - 90_000 }),
      ),
    ).toEqual({ ok: false, reason: 'expired' });
    expect(
      await verifyBlockletLoginToken(
        blocklet.signLoginToken({ did: address, role: 'owner' }, { claims: { tokenType: 'refresh' } }),
      ),
    ).toEqual({ ok: false, reason: 'not_login_token' });
    // Signed with the app's key, but not what a sign-in issues (no `type: 'user'`).
    expect(
      await verifyBlockletLoginToken(
        signHs256({ did: address, role: 'owner', iat: now, exp: now + 60 }, blocklet.sessionSecret),
      ),
    ).toEqual({ ok: false, reason: 'not_login_token' });
    expect(
      await verifyBlockletLoginToken(blocklet.signLoginToken({ did: 'z1notanaddress', role: 'owner' })),
    ).toEqual({ ok: false, reason: 'unsupported_did' });
  });
});

describe('starting in Blocklet mode', () => {
  it('refuses to start when neither BLOCKLET_SESSION_SECRET nor BLOCKLET_APP_SK can verify sign-ins', async () => {
    const vars = { ...blocklet.env, HOST: '127.0.0.1', BLOCKLET_PORT: '0' };
    delete (vars as Record<string, string | undefined>).BLOCKLET_SESSION_SECRET;
    delete (vars as Record<string, string | undefined>).BLOCKLET_APP_SK;
    await expect(startHub(loadEnv(vars), { logger: pino({ level: 'silent' }) })).rejects.toThrow(
      'Blocklet mode needs BLOCKLET_SESSION_SECRET (or BLOCKLET_APP_SK) to verify who is signed in; neither is set',
    );
    // It let go of the data folder: a correct start right after works.
    const hub = await startHub(loadEnv({ ...blocklet.env, HOST: '127.0.0.1', BLOCKLET_PORT: '0' }), {
      logger: pino({ level: 'silent' }),
    });
    expect(hub.keys.source).toBe('blocklet');
    await hub.close();
  });
});
