// Sign-in, the first owner, sessions, API keys and the CSRF check, over real HTTP against a real hub.
import fs from 'node:fs';
import path from 'node:path';
import { createLoginChallenge, signLoginChallenge } from '@aigne-hub/core';
import { loginChallenges } from '@aigne-hub/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caller, errorCode, newWallet, signIn, startTestHub, type TestHub } from './helpers';

let t: TestHub;
let url: string;
const owner = newWallet('ed25519');
const guest = newWallet('secp256k1');

beforeAll(async () => {
  t = await startTestHub();
  url = t.hub.url;
});
afterAll(() => t.close());

describe('first owner', () => {
  it('starts without an owner, with a 0600 setup-code file', async () => {
    expect(await caller(url).trpc.auth.setupStatus.query()).toEqual({
      needsOwner: true,
      domain: new URL(url).host,
    });
    const file = path.join(t.dir, 'setup-code');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(t.hub.setupCode);
  });

  it('refuses a wrong setup code', async () => {
    expect(await errorCode(signIn(url, newWallet(), 'AAAA-BBBB-CCCC-DDDD'))).toBe('UNAUTHORIZED');
  });

  it('makes the first DID presenting the code the owner, and the code stops working', async () => {
    const result = await signIn(url, owner, t.hub.setupCode!.toLowerCase());
    expect(result.becameOwner).toBe(true);
    expect(result.user).toMatchObject({
      did: owner.address.startsWith('did:') ? owner.address : `did:abt:${owner.address}`,
      role: 'owner',
    });
    expect(await result.session.trpc.me.get.query()).toMatchObject({ role: 'owner', via: 'session' });
    expect(fs.existsSync(path.join(t.dir, 'setup-code'))).toBe(false);
    expect(await caller(url).trpc.auth.setupStatus.query()).toMatchObject({ needsOwner: false });
    expect(await errorCode(signIn(url, newWallet(), t.hub.setupCode!))).toBe('UNAUTHORIZED');
  });
});

describe('sessions', () => {
  it('sets an HttpOnly, SameSite=Lax, Path=/ cookie (not Secure over http) and returns the token once', async () => {
    const result = await signIn(url, guest);
    expect(result.user.role).toBe('guest');
    expect(result.token).toMatch(/^ahs_[A-Za-z0-9_-]{43}$/);
    expect(result.setCookie).toMatch(/HttpOnly/);
    expect(result.setCookie).toMatch(/SameSite=Lax/);
    expect(result.setCookie).toMatch(/Path=\//);
    expect(result.setCookie).not.toMatch(/Secure/);
    expect(await result.bearer.trpc.me.get.query()).toMatchObject({ role: 'guest' });
  });

  it('stores only the hash of the token', async () => {
    const result = await signIn(url, guest);
    const bytes = fs.readFileSync(path.join(t.dir, 'auth.db'));
    const wal = fs.existsSync(path.join(t.dir, 'auth.db-wal'))
      ? fs.readFileSync(path.join(t.dir, 'auth.db-wal'))
      : Buffer.alloc(0);
    expect(Buffer.concat([bytes, wal]).includes(result.token)).toBe(false);
  });

  it('logout revokes the session on the server', async () => {
    const result = await signIn(url, guest);
    await result.session.trpc.auth.logout.mutate();
    expect(await errorCode(result.bearer.trpc.me.get.query())).toBe('UNAUTHORIZED');
    expect(await errorCode(result.session.trpc.me.get.query())).toBe('UNAUTHORIZED');
  });

  it('lists and revokes only your own sessions', async () => {
    const mine = await signIn(url, guest);
    const theirs = await signIn(url, owner);
    const sessions = await mine.session.trpc.auth.sessions.query();
    expect(sessions.find((s) => s.current)).toBeDefined();
    const ownerSessions = await theirs.session.trpc.auth.sessions.query();
    const victim = ownerSessions.find((s) => s.current)!;
    expect(await errorCode(mine.session.trpc.auth.revokeSession.mutate({ sessionId: victim.id }))).toBe(
      'NOT_FOUND',
    );
    expect(await theirs.session.trpc.me.get.query()).toMatchObject({ role: 'owner' });
  });

  it('ends a session after the idle timeout', async () => {
    const result = await signIn(url, guest);
    t.time.offsetMs = 13 * 3600 * 1000;
    try {
      expect(await errorCode(result.bearer.trpc.me.get.query())).toBe('UNAUTHORIZED');
    } finally {
      t.time.offsetMs = 0;
    }
  });
});

describe('identity headers outside Blocklet mode', () => {
  it('ignores x-user-did / x-user-role, even claiming owner', async () => {
    const forged = caller(url);
    forged.headers['x-user-did'] = owner.address;
    forged.headers['x-user-role'] = 'owner';
    expect(await errorCode(forged.trpc.me.get.query())).toBe('UNAUTHORIZED');
    expect(await errorCode(forged.trpc.apiKeys.list.query())).toBe('UNAUTHORIZED');
  });
});

describe('CSRF', () => {
  it('refuses a cookie-authenticated mutation from another origin', async () => {
    const result = await signIn(url, guest);
    const evil = caller(url, { cookie: result.cookie });
    evil.headers.origin = 'https://evil.example';
    expect(await errorCode(evil.trpc.apiKeys.create.mutate({ name: 'x' }))).toBe('FORBIDDEN');
    delete evil.headers.origin;
    expect(await errorCode(evil.trpc.apiKeys.create.mutate({ name: 'x' }))).toBe('FORBIDDEN');
    // The same call with the hub's own origin works, and Bearer calls need no Origin.
    await expect(result.session.trpc.apiKeys.create.mutate({ name: 'ok' })).resolves.toMatchObject({
      key: { name: 'ok' },
    });
  });
});

describe('wallet sign-in rejections', () => {
  const attempt = async (
    mutate: (proof: { did: string; publicKey: string; signature: string }, nonce: string) => Promise<unknown>,
  ) => {
    const wallet = newWallet();
    const challenge = await caller(url).trpc.auth.challenge.mutate({ did: wallet.address });
    const proof = await signLoginChallenge(wallet, challenge.message);
    return errorCode(mutate(proof, challenge.nonce));
  };
  const login = (input: { did: string; publicKey: string; signature: string; nonce: string }) =>
    caller(url).trpc.auth.login.mutate(input);

  it('wrong key for the DID', async () => {
    const other = newWallet();
    expect(await attempt((p, nonce) => login({ ...p, publicKey: other.publicKey, nonce }))).toBe(
      'UNAUTHORIZED',
    );
  });

  it('bad signature', async () => {
    const flipped = (s: string) => s.slice(0, -2) + (s.endsWith('00') ? '01' : '00');
    expect(await attempt((p, nonce) => login({ ...p, signature: flipped(p.signature), nonce }))).toBe(
      'UNAUTHORIZED',
    );
  });

  it('expired challenge', async () => {
    expect(
      await attempt(async (p, nonce) => {
        t.time.offsetMs = 6 * 60 * 1000;
        try {
          return await login({ ...p, nonce });
        } finally {
          t.time.offsetMs = 0;
        }
      }),
    ).toBe('UNAUTHORIZED');
  });

  it('replayed challenge', async () => {
    const wallet = newWallet();
    const challenge = await caller(url).trpc.auth.challenge.mutate({ did: wallet.address });
    const proof = await signLoginChallenge(wallet, challenge.message);
    await login({ ...proof, nonce: challenge.nonce });
    expect(await errorCode(login({ ...proof, nonce: challenge.nonce }))).toBe('UNAUTHORIZED');
  });

  it('challenge for another domain', async () => {
    // A challenge issued for another domain (e.g. before the hub's public URL changed) is refused.
    const wallet = newWallet();
    const foreign = createLoginChallenge({
      domain: 'other.example',
      origin: 'https://other.example',
      did: wallet.address,
    });
    t.hub.services.authDb
      .insert(loginChallenges)
      .values({
        nonce: foreign.nonce,
        did: foreign.did,
        domain: foreign.domain,
        message: foreign.message,
        expiresAt: foreign.expiresAt,
      })
      .run();
    const proof = await signLoginChallenge(wallet, foreign.message);
    expect(await errorCode(login({ ...proof, nonce: foreign.nonce }))).toBe('UNAUTHORIZED');
  });

  it('a challenge this hub never issued', async () => {
    const wallet = newWallet();
    const unknown = createLoginChallenge({
      domain: new URL(url).host,
      origin: new URL(url).origin,
      did: wallet.address,
    });
    const proof = await signLoginChallenge(wallet, unknown.message);
    expect(await errorCode(login({ ...proof, nonce: unknown.nonce }))).toBe('UNAUTHORIZED');
  });

  it('audits each failed sign-in as denied', () => {
    const rows = t.hub.services.hubDb.$client
      .prepare("SELECT reason FROM audit_events WHERE action = 'auth.login' AND outcome = 'denied'")
      .all() as { reason: string }[];
    expect(rows.map((r) => r.reason)).toEqual(
      expect.arrayContaining([
        'bad_setup_code',
        'wrong_key',
        'bad_signature',
        'expired',
        'replayed',
        'wrong_domain',
        'unknown_challenge',
      ]),
    );
  });
});

describe('API keys', () => {
  it('shows the secret once, stores only its hash, and authenticates with Bearer', async () => {
    const { session } = await signIn(url, guest);
    const created = await session.trpc.apiKeys.create.mutate({ name: 'ci', scopes: ['ai', 'api'] });
    expect(created.secret).toMatch(/^ahk_[0-9A-Za-z]{39}$/);
    expect(created.key).not.toHaveProperty('hash');
    const listed = await session.trpc.apiKeys.list.query();
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    const program = caller(url, { bearer: created.secret });
    expect(await program.trpc.me.get.query()).toMatchObject({ via: 'apiKey', keyId: created.key.id });
    // Key management needs a person at a browser, not a key.
    expect(await errorCode(program.trpc.apiKeys.create.mutate({ name: 'more' }))).toBe('FORBIDDEN');
  });

  it('a key without the api scope cannot call the API', async () => {
    const { session } = await signIn(url, guest);
    const created = await session.trpc.apiKeys.create.mutate({ name: 'gateway only' });
    expect(created.key.scopes).toEqual(['ai']);
    expect(await errorCode(caller(url, { bearer: created.secret }).trpc.me.get.query())).toBe('FORBIDDEN');
  });

  it('a revoked key is refused on its very next request', async () => {
    const { session } = await signIn(url, guest);
    const created = await session.trpc.apiKeys.create.mutate({ name: 'temp', scopes: ['api'] });
    const program = caller(url, { bearer: created.secret });
    await program.trpc.me.get.query();
    await session.trpc.apiKeys.revoke.mutate({ id: created.key.id });
    expect(await errorCode(program.trpc.me.get.query())).toBe('UNAUTHORIZED');
  });

  it('an expired key is refused', async () => {
    const { session } = await signIn(url, guest);
    const created = await session.trpc.apiKeys.create.mutate({
      name: 'short',
      scopes: ['api'],
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    t.time.offsetMs = 2 * 60_000;
    try {
      expect(await errorCode(caller(url, { bearer: created.secret }).trpc.me.get.query())).toBe(
        'UNAUTHORIZED',
      );
    } finally {
      t.time.offsetMs = 0;
    }
  });

  it('rotation keeps the old secret until the grace deadline; grace 0 ends it at once', async () => {
    const { session } = await signIn(url, guest);
    const created = await session.trpc.apiKeys.create.mutate({ name: 'rot', scopes: ['api'] });
    const rotated = await session.trpc.apiKeys.rotate.mutate({ id: created.key.id, graceSeconds: 3600 });
    expect(rotated.key.id).toBe(created.key.id);
    expect(rotated.secret).not.toBe(created.secret);
    await expect(caller(url, { bearer: created.secret }).trpc.me.get.query()).resolves.toMatchObject({
      keyId: created.key.id,
    });
    await expect(caller(url, { bearer: rotated.secret }).trpc.me.get.query()).resolves.toMatchObject({
      keyId: created.key.id,
    });
    t.time.offsetMs = 2 * 3600 * 1000;
    try {
      expect(await errorCode(caller(url, { bearer: created.secret }).trpc.me.get.query())).toBe(
        'UNAUTHORIZED',
      );
    } finally {
      t.time.offsetMs = 0;
    }
    const again = await session.trpc.apiKeys.rotate.mutate({ id: created.key.id, graceSeconds: 0 });
    expect(await errorCode(caller(url, { bearer: rotated.secret }).trpc.me.get.query())).toBe('UNAUTHORIZED');
    await expect(caller(url, { bearer: again.secret }).trpc.me.get.query()).resolves.toBeDefined();
  });

  it('allowed addresses are enforced', async () => {
    const { session } = await signIn(url, guest);
    const elsewhere = await session.trpc.apiKeys.create.mutate({
      name: 'net',
      scopes: ['api'],
      allowedIps: ['10.0.0.0/8', '2001:db8::/32'],
    });
    expect(await errorCode(caller(url, { bearer: elsewhere.secret }).trpc.me.get.query())).toBe(
      'UNAUTHORIZED',
    );
    const local = await session.trpc.apiKeys.create.mutate({
      name: 'local',
      scopes: ['api'],
      allowedIps: ['127.0.0.1'],
    });
    await expect(caller(url, { bearer: local.secret }).trpc.me.get.query()).resolves.toBeDefined();
    expect(
      await errorCode(session.trpc.apiKeys.create.mutate({ name: 'bad', allowedIps: ['10.0.0.0/33'] })),
    ).toBe('BAD_REQUEST');
  });

  it("a guest cannot list or revoke another user's keys", async () => {
    const ownerSession = (await signIn(url, owner)).session;
    const ownerKey = await ownerSession.trpc.apiKeys.create.mutate({ name: 'owner key' });
    const { session } = await signIn(url, guest);
    expect(await errorCode(session.trpc.apiKeys.list.query({ userDid: ownerKey.key.userDid }))).toBe(
      'FORBIDDEN',
    );
    expect(await errorCode(session.trpc.apiKeys.revoke.mutate({ id: ownerKey.key.id }))).toBe('NOT_FOUND');
    expect(await errorCode(session.trpc.apiKeys.rotate.mutate({ id: ownerKey.key.id }))).toBe('NOT_FOUND');
    // An admin may list and revoke it.
    const all = await ownerSession.trpc.apiKeys.list.query({ userDid: 'all' });
    expect(all.map((k) => k.id)).toContain(ownerKey.key.id);
  });

  it('junk keys are refused and repeated guessing gets 429 with Retry-After', async () => {
    const junk = caller(url, { bearer: 'ahk_definitelyNotAValidKeyxxxxxxxxxxxxxxxxxxx' });
    let code = '';
    for (let i = 0; i < 40 && code !== 'TOO_MANY_REQUESTS'; i += 1)
      code = await errorCode(junk.trpc.me.get.query());
    expect(code).toBe('TOO_MANY_REQUESTS');
    const response = await fetch(`${url}/api/trpc/me.get`, { headers: { authorization: 'Bearer ahk_junk' } });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
