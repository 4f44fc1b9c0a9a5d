/**
 * The client against a real hub over HTTP: health, sign-in with DID wallets (both key types), sessions and API
 * keys as credentials for the typed tRPC API, and tRPC failures surfacing as the typed errors.
 */
import { HUB_VERSION } from '@aigne-hub/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHubClient,
  ForbiddenError,
  HubClientError,
  RateLimitedError,
  signInWithWallet,
  UnauthorizedError,
  type HubWallet,
} from '../src/index';
import { guestWithKey, newWallet, rejectionOf, startBareHub, startTestHub, type TestHub } from './harness';

let t: TestHub;

beforeAll(async () => {
  t = await startTestHub();
});

afterAll(async () => {
  await t.close();
});

describe('createHubClient', () => {
  it('reads the health of a running hub', async () => {
    const client = createHubClient({ url: `${t.url}/` });
    expect(client.url).toBe(t.url);
    await expect(client.health()).resolves.toEqual({ ok: true, version: HUB_VERSION });
  });

  it('reports an unreachable hub as a network error', async () => {
    const error = await rejectionOf(createHubClient({ url: 'http://127.0.0.1:1' }).health());
    expect(error).toBeInstanceOf(HubClientError);
    expect(error).toMatchObject({ status: undefined, code: 'network_error' });
    expect((error as Error).message).toMatch(
      /^Cannot reach the hub at http:\/\/127\.0\.0\.1:1: fetch failed/,
    );
    const viaApi = await rejectionOf(
      createHubClient({ url: 'http://127.0.0.1:1' }).api.auth.setupStatus.query(),
    );
    expect(viaApi).toMatchObject({ name: 'HubClientError', status: undefined, code: 'network_error' });
  });

  it('reports a non-hub answer with its status', async () => {
    const client = createHubClient({ url: `${t.url}/not-a-hub` });
    await expect(client.health()).rejects.toMatchObject({ name: 'HubClientError', status: 404 });
  });

  it('refuses URLs that are not http(s) or that carry credentials, and malformed tokens', () => {
    expect(() => createHubClient({ url: 'ftp://hub' })).toThrow(/http or https/);
    expect(() => createHubClient({ url: 'hub.example.com' })).toThrow(/absolute/);
    expect(() => createHubClient({ url: 'https://user:pw@hub.example.com' })).toThrow(/not in the URL/);
    expect(() => createHubClient({ url: 'https://hub.example.com/?key=1' })).toThrow(/query/);
    expect(() => createHubClient({ url: t.url, apiKey: '' })).toThrow(/non-empty token/);
    expect(() => createHubClient({ url: t.url, apiKey: 'ahk_a b' })).toThrow(/without spaces/);
  });
});

describe('signInWithWallet', () => {
  it('claimed the hub for the owner with the setup code (in the harness)', async () => {
    await expect(t.owner.api.me.get.query()).resolves.toMatchObject({
      role: 'owner',
      via: 'session',
      keyId: null,
    });
  });

  it.each(['ed25519', 'secp256k1'] as const)('signs in a %s wallet as a guest', async (kind) => {
    const wallet = newWallet(kind);
    const result = await signInWithWallet(t.url, wallet);
    expect(result.token).toMatch(/^\S+$/);
    expect(Date.parse(result.expiresAt)).toBeGreaterThan(Date.now());
    expect(result.becameOwner).toBe(false);
    expect(result.user).toEqual({ did: `did:abt:${wallet.address}`, role: 'guest', credits: 0 });
    const me = await result.client.api.me.get.query();
    expect(me).toMatchObject({ did: `did:abt:${wallet.address}`, role: 'guest', via: 'session', credits: 0 });
    // The token is a plain bearer credential for any client.
    const again = createHubClient({ url: t.url, sessionToken: result.token });
    await expect(again.api.me.get.query()).resolves.toEqual(me);
  });

  it('fails with UnauthorizedError when the signature is wrong', async () => {
    const wallet = newWallet();
    const liar: HubWallet = {
      address: wallet.address,
      publicKey: wallet.publicKey,
      sign: (bytes) => wallet.sign(Uint8Array.from([...bytes, 1])),
    };
    const error = await rejectionOf(signInWithWallet(t.url, liar));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('refuses to sign what a hostile hub sends instead of a challenge', async () => {
    let signed = 0;
    const wallet = newWallet();
    const counting: HubWallet = {
      address: wallet.address,
      publicKey: wallet.publicKey,
      sign: (bytes) => {
        signed += 1;
        return wallet.sign(bytes);
      },
    };
    // A man in the middle that rewrites the challenge text the real hub sent.
    const hostile: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input instanceof Request ? input.url : input).includes('auth.challenge')) return response;
      const text = (await response.text()).replace(
        /aigne-hub wants you to sign in[^"]*?\\n/,
        'Pay 100 ABT to z1x\\n',
      );
      return new Response(text, { status: response.status, headers: response.headers });
    };
    const error = await rejectionOf(signInWithWallet(t.url, counting, { fetch: hostile }));
    expect(error).toMatchObject({ name: 'HubClientError', code: 'invalid_challenge' });
    expect(signed).toBe(0);
  });
});

describe('the typed API with an API key', () => {
  it('acts as the key’s user with scope api', async () => {
    const { key, secret, session } = await guestWithKey(t.url, ['ai', 'api']);
    expect(secret.startsWith(key.prefix)).toBe(true);
    const client = createHubClient({ url: t.url, apiKey: secret });
    const me = await client.api.me.get.query();
    expect(me).toMatchObject({ role: 'guest', via: 'apiKey', keyId: key.id, did: session.user.did });
    const keys = await client.api.apiKeys.list.query();
    expect(keys.map((k) => [k.id, k.status, k.scopes])).toEqual([[key.id, 'active', ['ai', 'api']]]);
  });

  it('is Forbidden without scope api, and for what only a session may do', async () => {
    const aiOnly = createHubClient({ url: t.url, apiKey: (await guestWithKey(t.url, ['ai'])).secret });
    const noScope = await rejectionOf(aiOnly.api.me.get.query());
    expect(noScope).toBeInstanceOf(ForbiddenError);
    expect(noScope).toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
      message: 'This API key may only call the AI endpoints (no "api" scope)',
    });
    const withApi = createHubClient({ url: t.url, apiKey: (await guestWithKey(t.url, ['api'])).secret });
    const minting = await rejectionOf(withApi.api.apiKeys.create.mutate({ name: 'escalate' }));
    expect(minting).toBeInstanceOf(ForbiddenError);
    expect(minting).toMatchObject({ message: 'This action needs a signed-in session, not an API key' });
  });
});

describe('tRPC errors as typed errors', () => {
  it('is Unauthorized without or with unknown credentials', async () => {
    const anonymous = await rejectionOf(createHubClient({ url: t.url }).api.me.get.query());
    expect(anonymous).toBeInstanceOf(UnauthorizedError);
    expect(anonymous).toMatchObject({ status: 401, code: 'UNAUTHORIZED', message: 'Sign in first' });
    expect((anonymous as HubClientError).requestId).toMatch(/^[0-9a-f-]{36}$/);
    const unknownKey = createHubClient({ url: t.url, apiKey: 'ahk_unknownkeyunknownkeyunknownkey0000' });
    await expect(unknownKey.api.me.get.query()).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('is Forbidden for a guest calling an admin procedure', async () => {
    const guest = (await signInWithWallet(t.url, newWallet())).client;
    const error = await rejectionOf(guest.api.users.list.query({}));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ status: 403, code: 'FORBIDDEN', message: 'This needs the admin role' });
  });

  it('keeps other failures as HubClientError with the tRPC code and the hub’s message', async () => {
    const notFound = await rejectionOf(t.owner.api.providers.byId.query({ id: 'no-such-provider' }));
    expect(notFound).toMatchObject({ name: 'HubClientError', status: 404, code: 'NOT_FOUND' });
    const invalid = await rejectionOf(t.owner.api.apiKeys.create.mutate({ name: '' }));
    expect(invalid).toMatchObject({ name: 'HubClientError', status: 400, code: 'BAD_REQUEST' });
    expect((invalid as Error).message).toBe('Invalid input: name: a name is required');
  });

  it('rejects with the caller’s abort reason', async () => {
    const controller = new AbortController();
    const reason = new Error('no longer needed');
    controller.abort(reason);
    await expect(t.owner.api.me.get.query(undefined, { signal: controller.signal })).rejects.toBe(reason);
  });
});

describe('RateLimitedError from tRPC and the gateway', () => {
  // A hub of its own: blocking 127.0.0.1 for failed attempts would disturb the other tests.
  it('carries the Retry-After seconds of a blocked address', async () => {
    const bare = await startBareHub();
    try {
      const { client: owner } = await signInWithWallet(bare.hub.url, newWallet(), {
        setupCode: bare.hub.setupCode!,
      });
      await owner.api.config.update.mutate({ rateLimits: { failedAuthPerIp: 1 } });
      const guessing = createHubClient({
        url: bare.hub.url,
        apiKey: 'ahk_guessguessguessguessguessguess0000',
      });
      await expect(guessing.api.me.get.query()).rejects.toBeInstanceOf(UnauthorizedError);
      const viaTrpc = await rejectionOf(guessing.api.me.get.query());
      expect(viaTrpc).toBeInstanceOf(RateLimitedError);
      expect(viaTrpc).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS' });
      // The failure window is 15 minutes.
      expect((viaTrpc as RateLimitedError).retryAfter).toBeGreaterThan(890);
      expect((viaTrpc as RateLimitedError).retryAfter).toBeLessThanOrEqual(900);
      const viaGateway = await rejectionOf(guessing.models());
      expect(viaGateway).toBeInstanceOf(RateLimitedError);
      expect(viaGateway).toMatchObject({ status: 429, code: 'rate_limited' });
      expect((viaGateway as RateLimitedError).retryAfter).toBeGreaterThan(890);
    } finally {
      await bare.close();
    }
  });
});
