/**
 * Deny by default, proven: every procedure of `appRouter` (enumerated, not listed by hand) is called as each
 * identity, and each call is allowed or refused exactly as `EXPECTATIONS` says. Identities are real: users,
 * sessions and API keys in the database, resolved by the same code as an HTTP request.
 */
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys';
import { resolvePrincipal, type Principal } from '../src/auth/principal';
import { createSession } from '../src/auth/sessions';
import { writeTransaction } from '../src/audit/audit-trail';
import { appRouter } from '../src/routers/_app';
import { createInnerContext, type Context } from '../src/trpc/context';
import { createCallerFactory } from '../src/trpc/procedures';
import { EXPECTATIONS, type Expectation } from './role-matrix.expectations';
import { startTestHub, type TestHub } from './helpers';

type Identity = 'anonymous' | 'guest' | 'admin' | 'owner' | 'guestApiKey' | 'adminApiKey' | 'gatewayOnlyKey';
const IDENTITIES: Identity[] = [
  'anonymous',
  'guest',
  'admin',
  'owner',
  'guestApiKey',
  'adminApiKey',
  'gatewayOnlyKey',
];

const ROLE_OF = { guest: 'guest', admin: 'admin', owner: 'owner' } as const;

/** The code a call must fail with when `identity` may not call a procedure with `expectation`, or null. */
function expectedDenial(expectation: Expectation, identity: Identity): 'UNAUTHORIZED' | 'FORBIDDEN' | null {
  if (expectation.access === 'public') return null;
  if (identity === 'anonymous') return 'UNAUTHORIZED';
  if (identity === 'gatewayOnlyKey') return 'FORBIDDEN';
  const viaKey = identity === 'guestApiKey' || identity === 'adminApiKey';
  if (viaKey && expectation.apiKey === false) return 'FORBIDDEN';
  const role =
    identity === 'adminApiKey' ? 'admin' : identity === 'guestApiKey' ? 'guest' : ROLE_OF[identity];
  if (expectation.access === 'admin' && role === 'guest') return 'FORBIDDEN';
  if (expectation.access === 'owner' && role !== 'owner') return 'FORBIDDEN';
  return null;
}

let t: TestHub;
const principals = new Map<Identity, Principal | null>();

beforeAll(async () => {
  t = await startTestHub();
  const { services } = t.hub;
  const now = services.clock();
  for (const [did, role] of [
    ['did:abt:zMatrixGuest', 'guest'],
    ['did:abt:zMatrixAdmin', 'admin'],
    ['did:abt:zMatrixOwner', 'owner'],
  ] as const) {
    services.hubDb.$client.prepare('INSERT INTO users (did, role) VALUES (?, ?)').run(did, role);
    const { token } = createSession(services.authDb, {
      did,
      ip: '127.0.0.1',
      userAgent: 'matrix',
      now,
      lifetimes: services.settings.get().sessions,
    });
    principals.set(
      role,
      (await resolvePrincipal(services, { bearer: null, cookie: token }, '127.0.0.1')).principal,
    );
  }
  const keyFor = async (did: string, scopes: ('ai' | 'api')[]) => {
    const { secret } = writeTransaction(services.hubDb, (tx) =>
      createApiKey(tx, did, {
        name: 'matrix',
        scopes,
        expiresAt: null,
        allowedModels: null,
        allowedIps: null,
        rateLimitPerMinute: null,
      }),
    );
    return (await resolvePrincipal(services, { bearer: secret, cookie: null }, '127.0.0.1')).principal;
  };
  principals.set('guestApiKey', await keyFor('did:abt:zMatrixGuest', ['ai', 'api']));
  principals.set('adminApiKey', await keyFor('did:abt:zMatrixAdmin', ['ai', 'api']));
  principals.set('gatewayOnlyKey', await keyFor('did:abt:zMatrixAdmin', ['ai']));
  principals.set('anonymous', null);
  for (const identity of IDENTITIES) {
    if (identity !== 'anonymous') expect(principals.get(identity), identity).toBeTruthy();
  }
});
afterAll(() => t.close());

function contextFor(identity: Identity): Context {
  const principal = principals.get(identity) ?? null;
  const { services } = t.hub;
  const viaCookie = principal?.via === 'session';
  return createInnerContext(services, {
    principal,
    credentialSource: principal ? (viaCookie ? 'cookie' : 'bearer') : null,
    request: {
      requestId: `matrix-${identity}`,
      ip: '127.0.0.1',
      userAgent: 'matrix',
      // A browser on the hub's own origin, so that the CSRF check passes and only access decides.
      origin: viaCookie ? services.publicUrl.origin : null,
      referer: null,
      secFetchSite: null,
      ownOrigin: services.publicUrl.origin,
    },
  });
}

const procedures = Object.keys(appRouter._def.procedures).sort();

describe('role matrix', () => {
  it('has an expectation for every procedure, and no stale ones', () => {
    expect(procedures.length).toBeGreaterThan(0);
    expect(Object.keys(EXPECTATIONS).sort()).toEqual(procedures);
  });

  const createCaller = createCallerFactory(appRouter);

  describe.each(procedures)('%s', (path) => {
    it.each(IDENTITIES)('as %s', async (identity) => {
      const expectation = EXPECTATIONS[path];
      expect(expectation, `no expectation for ${path}`).toBeDefined();
      const denial = expectedDenial(expectation!, identity);
      const caller = createCaller(contextFor(identity)) as unknown as Record<string, unknown>;
      const procedure = path
        .split('.')
        .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
      let code: string | null = null;
      try {
        // No input: an allowed call reaches input validation or the handler; a refused one never gets that far.
        await (procedure as (input?: unknown) => Promise<unknown>)(undefined);
      } catch (error) {
        code = error instanceof TRPCError ? error.code : 'NON_TRPC_ERROR';
      }
      const deniedEvent = t.hub.services.hubDb.$client
        .prepare(
          "SELECT count(*) AS n FROM audit_events WHERE outcome = 'denied' AND target_id = ? AND request_id = ?",
        )
        .get(path, `matrix-${identity}`) as { n: number };
      if (denial) {
        expect(code).toBe(denial);
        expect(deniedEvent.n).toBeGreaterThan(0);
      } else {
        expect(
          code === 'UNAUTHORIZED' || code === 'FORBIDDEN' ? `${code} (${path} as ${identity})` : 'allowed',
        ).toBe('allowed');
        expect(code).not.toBe('NON_TRPC_ERROR');
        expect(deniedEvent.n).toBe(0);
      }
    });
  });
});
