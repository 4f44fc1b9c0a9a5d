// DID Connect sign-in (the DID Wallet app scanning a QR code) over real HTTP against a real hub, with the wallet
// played by @ocap/wallet keys and @arcblock/jwt exactly as the protocol says; and every way an answer is refused.
import fs from 'node:fs';
import path from 'node:path';
import { fromSecretKey, WalletType, type WalletObject } from '@ocap/wallet';
import { types } from '@ocap/mcrypto';
import { didConnectSessions, eq, sessions, systemSecrets } from '@aigne-hub/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSystemSecret } from '../src/keys/system-secrets';
import { APP_WALLET_SECRET } from '../src/auth/did-connect/app-wallet';
import {
  answer,
  answerToken,
  callbackOf,
  connectWith,
  pollConnect,
  scan,
  startConnect,
  startConnectOk,
  submitAnswer,
  userPkOf,
  type ConnectStart,
} from './did-wallet';
import { caller, newWallet, startTestHub, type TestHub } from './helpers';

let t: TestHub;
let url: string;

beforeAll(async () => {
  t = await startTestHub();
  url = t.hub.url;
});
afterAll(() => t.close());

const didOf = (wallet: WalletObject) => `did:abt:${wallet.address}`;

async function pollJson(start: ConnectStart, setupCode?: string) {
  const response = await pollConnect(url, {
    token: start.token,
    pollKey: start.pollKey,
    ...(setupCode !== undefined && { setupCode }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, response };
}

function auditRows(where: string) {
  return t.hub.services.hubDb.$client
    .prepare(
      `SELECT action, outcome, reason, actor_did, via, target_id, details FROM audit_events WHERE ${where} ORDER BY seq`,
    )
    .all() as {
    action: string;
    outcome: string;
    reason: string | null;
    actor_did: string | null;
    via: string | null;
    target_id: string | null;
    details: string | null;
  }[];
}

function hubUser(did: string) {
  return t.hub.services.hubDb.$client.prepare('SELECT did, role FROM users WHERE did = ?').get(did) as
    { did: string; role: string } | undefined;
}

describe('signing in with DID Wallet', () => {
  it('creates a session whose QR code sends the wallet to this hub, with a browser-only poll key', async () => {
    const start = await startConnectOk(url);
    expect(start.token).toMatch(/^[0-9a-f]{32}$/);
    expect(start.pollKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(start.expiresAt) - Date.now()).toBeGreaterThan(4 * 60_000);
    expect(start.url.startsWith('https://abtwallet.io/i/?action=requestAuth&url=')).toBe(true);
    expect(callbackOf(start.url)).toBe(`${url}/api/did/login/auth?_t_=${start.token}`);
    expect(start.url).not.toContain(start.pollKey);
    expect((await pollJson(start)).body).toEqual({ status: 'created' });
  });

  it('the first owner: scan, answer, and the page picks up an owner session once (cookie set)', async () => {
    const owner = newWallet('ed25519');
    const start = await startConnectOk(url);

    const request = await scan(callbackOf(start.url), owner);
    expect(request.info.action).toBe('responseAuth');
    expect(request.info.url).toBe(`${url}/api/did/login/auth?_t_=${start.token}`);
    expect(request.info.challenge).toMatch(/^[0-9A-F]{32}$/);
    expect(request.info.requestedClaims.map((claim) => claim.type)).toEqual(['authPrincipal']);
    // Signed by the hub's app wallet, which is the publisher the wallet shows.
    expect(request.info.appInfo.name).toBe('aigne-hub');
    expect(request.info.iss).toBe(request.info.appInfo.publisher);
    expect((await pollJson(start)).body).toEqual({ status: 'scanned' });

    const reply = await answer(request.info.url, {
      userPk: userPkOf(owner),
      userInfo: await answerToken(owner, request.info.challenge),
    });
    expect(reply).toMatchObject({
      status: 'ok',
      successMessage: 'Signed in. You can go back to your browser.',
    });
    expect(reply.errorMessage).toBeUndefined();

    const picked = await pollJson(start, t.hub.setupCode!);
    expect(picked.status).toBe(200);
    expect(picked.body).toMatchObject({
      status: 'succeed',
      becameOwner: true,
      user: { did: didOf(owner), role: 'owner', credits: 0 },
    });
    const token = picked.body.token as string;
    expect(token).toMatch(/^ahs_/);
    const setCookie = picked.response.headers.getSetCookie().find((c) => c.startsWith('aigne-hub-session='));
    expect(setCookie).toBe(
      `aigne-hub-session=${token}; Path=/; Expires=${new Date(picked.body.expiresAt as string).toUTCString()}; HttpOnly; SameSite=Lax`,
    );
    expect(fs.existsSync(path.join(t.dir, 'setup-code'))).toBe(false);

    // The session lands in auth.db (only its hash) and works like any browser session.
    const rows = t.hub.services.authDb
      .select()
      .from(sessions)
      .where(eq(sessions.did, didOf(owner)))
      .all();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).not.toContain(token);
    const browser = caller(url, { cookie: `aigne-hub-session=${token}` });
    expect(await browser.trpc.me.get.query()).toMatchObject({
      did: didOf(owner),
      role: 'owner',
      via: 'session',
    });

    // Exactly once.
    expect((await pollJson(start)).status).toBe(404);
    expect(auditRows(`target_id = '${didOf(owner)}'`).map((r) => [r.action, r.outcome, r.via])).toEqual([
      ['users.create', 'success', 'session'],
      ['users.claimOwner', 'success', 'session'],
      ['auth.login', 'success', 'session'],
    ]);
    expect(
      JSON.parse(auditRows(`target_id = '${didOf(owner)}' AND action = 'auth.login'`)[0]!.details!),
    ).toEqual({
      method: 'did-connect',
      newUser: true,
    });
  });

  it('a person with a secp256k1 account becomes a guest; a second sign-in finds the same user', async () => {
    const person = newWallet('secp256k1');
    for (const newUser of [true, false]) {
      const start = await startConnectOk(url);
      expect(await connectWith(start, person)).toMatchObject({ status: 'ok' });
      const picked = await pollJson(start);
      expect(picked.body).toMatchObject({ status: 'succeed', becameOwner: false, user: { role: 'guest' } });
      const last = auditRows(`target_id = '${didOf(person)}' AND action = 'auth.login'`).at(-1)!;
      expect(JSON.parse(last.details!)).toEqual({ method: 'did-connect', newUser });
    }
    expect(hubUser(didOf(person))).toEqual({ did: didOf(person), role: 'guest' });
  });

  it('keeps one app wallet, stored encrypted in system_secrets, created (and audited) once', async () => {
    const first = await scan(callbackOf((await startConnectOk(url)).url), newWallet());
    const second = await scan(callbackOf((await startConnectOk(url)).url), newWallet());
    expect(second.appPk).toBe(first.appPk);
    const stored = t.hub.services.hubDb
      .select()
      .from(systemSecrets)
      .where(eq(systemSecrets.name, APP_WALLET_SECRET))
      .get();
    expect(stored?.value).toMatch(/^v1:/);
    const sk = readSystemSecret(t.hub.services.hubDb, t.hub.services.keyring, APP_WALLET_SECRET)!;
    const app = fromSecretKey(
      sk,
      WalletType({
        role: types.RoleType.ROLE_APPLICATION,
        pk: types.KeyType.ED25519,
        hash: types.HashType.SHA3,
      }),
    );
    expect(first.info.iss).toBe(`did:abt:${app.address}`);
    expect(auditRows("action = 'system.createAppWallet'").map((r) => r.target_id)).toEqual([app.address]);
  });

  it('only the page holding the poll key picks the sign-in up; a wrong key is audited', async () => {
    const person = newWallet();
    const start = await startConnectOk(url);
    await connectWith(start, person);
    const thief = await pollConnect(url, { token: start.token, pollKey: 'x'.repeat(43) });
    expect(thief.status).toBe(404);
    expect(auditRows("reason = 'did-connect: wrong poll key'")).toHaveLength(1);
    expect((await pollJson(start)).body).toMatchObject({ status: 'succeed', user: { did: didOf(person) } });
  });

  it('a wrong setup code signs nobody in and uses the sign-in up', async () => {
    const person = newWallet();
    const start = await startConnectOk(url);
    await connectWith(start, person);
    const refused = await pollJson(start, 'AAAA-BBBB-CCCC-DDDD');
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'unauthorized' });
    expect(refused.response.headers.getSetCookie()).toEqual([]);
    expect(hubUser(didOf(person))).toBeUndefined();
    expect(auditRows(`target_id = '${didOf(person)}'`).map((r) => [r.action, r.outcome, r.reason])).toEqual([
      ['auth.login', 'denied', 'bad_setup_code'],
    ]);
    expect((await pollJson(start)).status).toBe(404);
  });

  it('tells the page when the person declines in the wallet', async () => {
    const person = newWallet();
    const start = await startConnectOk(url);
    const request = await scan(callbackOf(start.url), person);
    await answer(request.info.url, {
      userPk: userPkOf(person),
      userInfo: await answerToken(person, request.info.challenge, { action: 'declineAuth' }),
    });
    expect((await pollJson(start)).body).toEqual({
      status: 'error',
      error: 'You have declined the authentication request',
    });
  });

  it('a QR code expires after five minutes', async () => {
    const start = await startConnectOk(url);
    t.time.offsetMs = 5 * 60_000 + 1000;
    try {
      const reply = await answer(callbackOf(start.url), {
        userPk: userPkOf(newWallet()),
        userInfo: 'x.y.z',
      });
      expect(reply).toMatchObject({ status: 'error', errorMessage: 'Session not found or expired' });
      expect((await pollJson(start)).status).toBe(404);
    } finally {
      t.time.offsetMs = 0;
    }
  });
});

describe('refused wallet answers', () => {
  /** Starts a sign-in, lets `victim` scan it, and returns what an answer needs. */
  async function scanned(victim: WalletObject) {
    const start = await startConnectOk(url);
    const request = await scan(callbackOf(start.url), victim);
    return { start, request, callback: request.info.url, challenge: request.info.challenge };
  }

  /** The answer is refused with `message`, audited, the page learns it, and nobody is signed in. */
  async function expectRefused(
    start: ConnectStart,
    reply: Promise<Awaited<ReturnType<typeof answer>>>,
    message: string,
    claimed: string,
  ) {
    expect(await reply).toMatchObject({ status: 'error', errorMessage: message });
    const polled = await pollJson(start);
    expect(polled.body).toEqual({ status: 'error', error: message });
    expect(hubUser(claimed)).toBeUndefined();
    const denied = auditRows(
      `action = 'auth.login' AND outcome = 'denied' AND reason = 'did-connect: ${message}'`,
    );
    expect(denied.at(-1)).toMatchObject({ target_id: claimed, actor_did: null, via: 'session' });
  }

  it('forged issuer: a token naming the victim as issuer, signed by another key', async () => {
    const victim = newWallet();
    const attacker = newWallet();
    const { start, callback, challenge } = await scanned(victim);
    const forged = await answerToken(attacker, challenge, { iss: didOf(victim) });
    // With the attacker's key as userPk the issuer does not match the key ...
    await expectRefused(
      start,
      answer(callback, { userPk: userPkOf(attacker), userInfo: forged }),
      'Invalid JWT token',
      didOf(victim),
    );
    // ... and with the victim's public key the signature does not verify.
    await expectRefused(
      start,
      answer(callback, { userPk: userPkOf(victim), userInfo: forged }),
      'Invalid JWT token',
      didOf(victim),
    );
  });

  it('bad signature: the right token with its signature altered', async () => {
    const person = newWallet();
    const { start, callback, challenge } = await scanned(person);
    const [head, body, signature] = (await answerToken(person, challenge)).split('.');
    const altered = `${signature!.slice(0, 10)}${signature![10] === 'A' ? 'B' : 'A'}${signature!.slice(11)}`;
    await expectRefused(
      start,
      answer(callback, { userPk: userPkOf(person), userInfo: `${head}.${body}.${altered}` }),
      'Invalid JWT token',
      didOf(person),
    );
  });

  it('expired token: a correctly signed answer whose exp has passed', async () => {
    const person = newWallet();
    const { start, callback, challenge } = await scanned(person);
    const past = Math.floor(Date.now() / 1000) - 3600;
    const stale = await answerToken(person, challenge, {
      iat: String(past),
      nbf: String(past),
      exp: String(past + 300),
    });
    await expectRefused(
      start,
      answer(callback, { userPk: userPkOf(person), userInfo: stale }),
      'JWT token expired, make sure your device time in sync with network',
      didOf(person),
    );
  });

  it('wrong challenge: a correctly signed answer to another challenge', async () => {
    const person = newWallet();
    const { start, callback } = await scanned(person);
    const wrong = await answerToken(person, 'A'.repeat(32));
    await expectRefused(
      start,
      answer(callback, { userPk: userPkOf(person), userInfo: wrong }),
      'Challenge mismatch',
      didOf(person),
    );
  });

  it('replayed answer: refused once used, and in another sign-in', async () => {
    const person = newWallet();
    const { start, callback, challenge } = await scanned(person);
    const body = { userPk: userPkOf(person), userInfo: await answerToken(person, challenge) };
    expect(await answer(callback, body)).toMatchObject({ status: 'ok' });
    // The same answer again, to the same sign-in: the session is sealed once verified.
    expect(await answer(callback, body)).toMatchObject({
      status: 'error',
      errorMessage: 'Session not found or expired',
    });
    // The page still gets exactly one session.
    expect((await pollJson(start)).body).toMatchObject({ status: 'succeed', user: { did: didOf(person) } });
    expect(
      t.hub.services.authDb
        .select()
        .from(sessions)
        .where(eq(sessions.did, didOf(person)))
        .all(),
    ).toHaveLength(1);

    // The same answer posted to a fresh sign-in (scanned by the person, so it is waiting): wrong challenge.
    const other = await scanned(person);
    expect(await answer(other.callback, body)).toMatchObject({
      status: 'error',
      errorMessage: 'Challenge mismatch',
    });
    expect((await pollJson(other.start)).body).toEqual({ status: 'error', error: 'Challenge mismatch' });
    expect(
      auditRows(`action = 'auth.login' AND outcome = 'denied' AND target_id = '${didOf(person)}'`).map(
        (r) => r.reason,
      ),
    ).toEqual(['did-connect: Session not found or expired', 'did-connect: Challenge mismatch']);
  });

  it('the web wallet’s GET …/auth/submit is held to the same checks: refused when forged, signs in when right', async () => {
    const person = newWallet();
    const attacker = newWallet();
    const { start, callback, challenge } = await scanned(person);
    await expectRefused(
      start,
      submitAnswer(callback, {
        userPk: userPkOf(attacker),
        userInfo: await answerToken(attacker, challenge, { iss: didOf(person) }),
      }),
      'Invalid JWT token',
      didOf(person),
    );

    const fresh = await scanned(person);
    expect(
      await submitAnswer(fresh.callback, {
        userPk: userPkOf(person),
        userInfo: await answerToken(person, fresh.challenge),
      }),
    ).toMatchObject({ status: 'ok' });
    expect((await pollJson(fresh.start)).body).toMatchObject({
      status: 'succeed',
      user: { did: didOf(person) },
    });
  });

  it('two answers racing for one sign-in: only one is verified', async () => {
    const person = newWallet();
    const { start, callback, challenge } = await scanned(person);
    const body = { userPk: userPkOf(person), userInfo: await answerToken(person, challenge) };
    const replies = await Promise.all([
      answer(callback, body),
      answer(callback, body),
      answer(callback, body),
    ]);
    expect(replies.filter((reply) => reply.status === 'ok')).toHaveLength(1);
    expect((await pollJson(start)).body).toMatchObject({ status: 'succeed' });
    const row = t.hub.services.authDb
      .select()
      .from(didConnectSessions)
      .where(eq(didConnectSessions.token, start.token))
      .get();
    expect(row).toMatchObject({ did: didOf(person) });
    expect(row?.consumedAt).toBeInstanceOf(Date);
  });
});

describe('the browser endpoints are same-origin only', () => {
  it('refuses to open or pick up a sign-in for another origin', async () => {
    const evil = await startConnect(url, 'https://evil.example');
    expect(evil.status).toBe(403);
    const start = await startConnectOk(url);
    await connectWith(start, newWallet());
    const stolen = await pollConnect(
      url,
      { token: start.token, pollKey: start.pollKey },
      'https://evil.example',
    );
    expect(stolen.status).toBe(403);
    expect(stolen.headers.getSetCookie()).toEqual([]);
    expect(
      auditRows("reason = 'cross-origin request' AND action LIKE 'auth.didConnect.%'").map((r) => r.action),
    ).toEqual(['auth.didConnect.token', 'auth.didConnect.status']);
    // The real page still can.
    expect((await pollJson(start)).body).toMatchObject({ status: 'succeed' });
  });

  it('answers a malformed poll with 400', async () => {
    const response = await pollConnect(url, { token: 'nope', pollKey: 'x' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'validation' });
  });
});
