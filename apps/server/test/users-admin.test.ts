// The `users` admin router over real HTTP against a real hub: listing and paging, the owner rules end to end,
// credits, sessions, ownership transfer, and the audit event (or denial) each call leaves.
import { creditTransactions, eq, users } from '@aigne-hub/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countEvents,
  eventsOf,
  onlyEventOf,
  signInPerson,
  trackedCaller,
  withAuditFailure,
  type Person,
} from './admin-kit';
import { errorCode, signIn, startTestHub, type TestHub } from './helpers';

let t: TestHub;
let owner: Person;
let admin: Person;
let alice: Person;
let bob: Person;
let carol: Person;

beforeAll(async () => {
  t = await startTestHub();
  owner = await signInPerson(t, t.hub.setupCode!);
  admin = await signInPerson(t);
  alice = await signInPerson(t);
  bob = await signInPerson(t);
  carol = await signInPerson(t);
  await owner.session.trpc.users.setRole.mutate({ did: admin.did, role: 'admin' });
});
afterAll(() => t.close());

const roleOf = (did: string) =>
  t.hub.services.hubDb.select({ role: users.role }).from(users).where(eq(users.did, did)).get()?.role;

const creditsOf = (did: string) =>
  t.hub.services.hubDb.select({ credits: users.credits }).from(users).where(eq(users.did, did)).get()
    ?.credits;

/** The one event of the caller's last request, with every field an admin change must record. */
function expectSuccessEvent(
  actor: Person,
  actorRole: string,
  expected: { action: string; targetId: string; details: Record<string, unknown> },
) {
  const requestId = actor.session.lastRequestId();
  const event = onlyEventOf(t, requestId);
  expect(event).toMatchObject({
    actorDid: actor.did,
    actorRole,
    via: 'session',
    ip: '127.0.0.1',
    userAgent: 'admin-suite/1.0',
    requestId,
    action: expected.action,
    targetType: 'user',
    targetId: expected.targetId,
    outcome: 'success',
    reason: null,
  });
  expect(event.details).toEqual(expected.details);
}

/** The one `denied` event of the caller's last request. */
function expectDeniedEvent(actor: Person, expected: { action: string; targetId: string; reason: string }) {
  const event = onlyEventOf(t, actor.session.lastRequestId());
  expect(event).toMatchObject({
    actorDid: actor.did,
    via: 'session',
    action: expected.action,
    targetId: expected.targetId,
    outcome: 'denied',
    reason: expected.reason,
  });
}

describe('users.list', () => {
  it('shows each user with role, credits, times and the count of live API keys', async () => {
    const keys = [];
    for (const name of ['one', 'two', 'three']) {
      keys.push((await alice.session.trpc.apiKeys.create.mutate({ name })).key);
    }
    await alice.session.trpc.apiKeys.revoke.mutate({ id: keys[0]!.id });
    t.hub.services.hubDb.$client
      .prepare('UPDATE api_keys SET expires_at = ? WHERE id = ?')
      .run(Date.now() - 1000, keys[1]!.id);
    const row = t.hub.services.hubDb.select().from(users).where(eq(users.did, alice.did)).get()!;

    const page = await admin.session.trpc.users.list.query({ search: alice.did });
    expect(page).toEqual({
      items: [
        {
          did: alice.did,
          name: null,
          role: 'guest',
          credits: 0,
          createdAt: row.createdAt.toISOString(),
          lastSeenAt: row.lastSeenAt!.toISOString(),
          liveApiKeys: 1,
        },
      ],
      nextCursor: null,
    });
  });

  it('pages newest first with a stable cursor, unshaken by users who arrive meanwhile', async () => {
    const insert = t.hub.services.hubDb.$client.prepare(
      'INSERT INTO users (did, name, role, created_at) VALUES (?, ?, ?, ?)',
    );
    // Several share a creation millisecond: the DID breaks the tie.
    for (const [n, createdAt] of [
      [1, 2000],
      [2, 4000],
      [3, 4000],
      [4, 5000],
      [5, 4000],
      [6, 2000],
      [7, 3000],
    ] as const) {
      insert.run(`did:abt:zPager${n}`, `Pager ${n}`, 'guest', createdAt);
    }
    const dids = (page: { items: { did: string }[] }) => page.items.map((item) => item.did.slice(8));

    const first = await admin.session.trpc.users.list.query({ search: 'pager', limit: 3 });
    expect(dids(first)).toEqual(['zPager4', 'zPager2', 'zPager3']);
    expect(first.nextCursor).toEqual(expect.any(String));

    insert.run('did:abt:zPager8', 'Pager 8', 'guest', Date.now());
    // As tRPC's useInfiniteQuery sends it: with the paging direction it adds.
    const second = await admin.session.trpc.users.list.query({
      search: 'pager',
      limit: 3,
      cursor: first.nextCursor!,
      direction: 'forward',
    });
    expect(dids(second)).toEqual(['zPager5', 'zPager7', 'zPager1']);
    const third = await admin.session.trpc.users.list.query({
      search: 'pager',
      limit: 3,
      cursor: second.nextCursor!,
    });
    expect(dids(third)).toEqual(['zPager6']);
    expect(third.nextCursor).toBeNull();

    const all = await admin.session.trpc.users.list.query({ search: 'Pager', limit: 200 });
    expect(dids(all)).toEqual([
      'zPager8',
      'zPager4',
      'zPager2',
      'zPager3',
      'zPager5',
      'zPager7',
      'zPager1',
      'zPager6',
    ]);
  });

  it('searches by DID prefix (with or without did:abt:) and by name prefix, wildcards taken literally', async () => {
    const search = async (term: string) =>
      (await admin.session.trpc.users.list.query({ search: term, limit: 200 })).items.map((u) => u.did);
    expect(await search(alice.did.slice(0, 20))).toEqual([alice.did]);
    expect(await search(alice.did.slice(8, 20))).toEqual([alice.did]);
    expect(await search('PAGER 7')).toEqual(['did:abt:zPager7']);
    expect(await search('zpager7')).toEqual([]); // DIDs are base58: case matters
    expect(await search('Pager_')).toEqual([]);
    expect(await search('%')).toEqual([]);
  });

  it('filters by role', async () => {
    const byRole = async (role: 'owner' | 'admin') =>
      (await admin.session.trpc.users.list.query({ role })).items.map((u) => u.did);
    expect(await byRole('owner')).toEqual([owner.did]);
    expect(await byRole('admin')).toEqual([admin.did]);
  });

  it('refuses bad input and a forged cursor with BAD_REQUEST', async () => {
    const list = admin.session.trpc.users.list;
    expect(await errorCode(list.query({ limit: 0 }))).toBe('BAD_REQUEST');
    expect(await errorCode(list.query({ limit: 201 }))).toBe('BAD_REQUEST');
    expect(await errorCode(list.query({ role: 'root' as 'owner' }))).toBe('BAD_REQUEST');
    expect(await errorCode(list.query({ orderBy: 'did' } as never))).toBe('BAD_REQUEST');
    expect(await errorCode(list.query({ cursor: 'bm90LWEtY3Vyc29y' }))).toBe('BAD_REQUEST');
  });

  it('is refused to a guest, and the refusal is audited', async () => {
    expect(await errorCode(alice.session.trpc.users.list.query())).toBe('FORBIDDEN');
    expectDeniedEvent(alice, {
      action: 'users.list',
      targetId: 'users.list',
      reason: 'role guest below admin',
    });
  });
});

describe('users.byDid', () => {
  it('shows one user with their live sessions, found by DID or bare address', async () => {
    await signIn(t.hub.url, bob.wallet);
    const shown = await admin.session.trpc.users.byDid.query({ did: bob.did.slice('did:abt:'.length) });
    expect(shown).toMatchObject({ did: bob.did, role: 'guest', credits: 0, liveApiKeys: 0, liveSessions: 2 });
  });

  it('is NOT_FOUND for an unknown DID and BAD_REQUEST for an empty one', async () => {
    expect(await errorCode(admin.session.trpc.users.byDid.query({ did: 'did:abt:zNobody' }))).toBe(
      'NOT_FOUND',
    );
    expect(await errorCode(admin.session.trpc.users.byDid.query({ did: '  ' }))).toBe('BAD_REQUEST');
  });
});

describe('users.setRole and the owner rules', () => {
  it('lets the owner promote a guest, recording the role before and after', async () => {
    const result = await owner.session.trpc.users.setRole.mutate({ did: alice.did, role: 'admin' });
    expect(result).toMatchObject({ changed: true, user: { did: alice.did, role: 'admin' } });
    expect(roleOf(alice.did)).toBe('admin');
    expectSuccessEvent(owner, 'owner', {
      action: 'users.setRole',
      targetId: alice.did,
      details: { before: { role: 'guest' }, after: { role: 'admin' } },
    });
  });

  it('changes nothing and writes no event when the role is already that', async () => {
    const result = await owner.session.trpc.users.setRole.mutate({ did: alice.did, role: 'admin' });
    expect(result.changed).toBe(false);
    expect(eventsOf(t, owner.session.lastRequestId())).toEqual([]);
  });

  it('lets an admin move others between guest and admin', async () => {
    await admin.session.trpc.users.setRole.mutate({ did: carol.did, role: 'admin' });
    expectSuccessEvent(admin, 'admin', {
      action: 'users.setRole',
      targetId: carol.did,
      details: { before: { role: 'guest' }, after: { role: 'admin' } },
    });
    await admin.session.trpc.users.setRole.mutate({ did: carol.did, role: 'guest' });
    expect(roleOf(carol.did)).toBe('guest');
  });

  it('forbids an admin to demote the owner or to make anyone owner, and audits the denial', async () => {
    const reason = 'Only an owner can grant or change the owner role';
    expect(await errorCode(admin.session.trpc.users.setRole.mutate({ did: owner.did, role: 'guest' }))).toBe(
      'FORBIDDEN',
    );
    expectDeniedEvent(admin, { action: 'users.setRole', targetId: owner.did, reason });
    expect(onlyEventOf(t, admin.session.lastRequestId()).details).toEqual({ requested: { role: 'guest' } });
    expect(await errorCode(admin.session.trpc.users.setRole.mutate({ did: bob.did, role: 'owner' }))).toBe(
      'FORBIDDEN',
    );
    expectDeniedEvent(admin, { action: 'users.setRole', targetId: bob.did, reason });
    expect(roleOf(owner.did)).toBe('owner');
    expect(roleOf(bob.did)).toBe('guest');
  });

  it('never demotes the last owner, not even at their own request', async () => {
    expect(await errorCode(owner.session.trpc.users.setRole.mutate({ did: owner.did, role: 'admin' }))).toBe(
      'PRECONDITION_FAILED',
    );
    expectDeniedEvent(owner, {
      action: 'users.setRole',
      targetId: owner.did,
      reason: 'The last owner cannot be demoted; make another user owner first',
    });
    expect(roleOf(owner.did)).toBe('owner');
  });

  it('is NOT_FOUND for an unknown user (no event) and BAD_REQUEST for an unknown role', async () => {
    expect(
      await errorCode(owner.session.trpc.users.setRole.mutate({ did: 'did:abt:zNobody', role: 'admin' })),
    ).toBe('NOT_FOUND');
    expect(eventsOf(t, owner.session.lastRequestId())).toEqual([]);
    expect(
      await errorCode(owner.session.trpc.users.setRole.mutate({ did: bob.did, role: 'root' as 'admin' })),
    ).toBe('BAD_REQUEST');
  });

  it('needs a signed-in person: an admin API key with the api scope is refused', async () => {
    const { secret } = await admin.session.trpc.apiKeys.create.mutate({ name: 'ops', scopes: ['ai', 'api'] });
    const program = trackedCaller(t.hub.url, { bearer: secret });
    expect(await program.trpc.users.list.query({ role: 'owner' })).toMatchObject({
      items: [{ did: owner.did }],
    });
    expect(await errorCode(program.trpc.users.setRole.mutate({ did: bob.did, role: 'admin' }))).toBe(
      'FORBIDDEN',
    );
    expect(onlyEventOf(t, program.lastRequestId())).toMatchObject({
      via: 'apiKey',
      outcome: 'denied',
      reason: 'api key not allowed',
    });
    expect(roleOf(bob.did)).toBe('guest');
  });

  it("refuses a demoted admin's very next admin call", async () => {
    expect(await alice.session.trpc.users.list.query({ limit: 1 })).toMatchObject({
      items: [expect.anything()],
    });
    await owner.session.trpc.users.setRole.mutate({ did: alice.did, role: 'guest' });
    expect(await errorCode(alice.session.trpc.users.list.query({ limit: 1 }))).toBe('FORBIDDEN');
    expectDeniedEvent(alice, {
      action: 'users.list',
      targetId: 'users.list',
      reason: 'role guest below admin',
    });
    expect(await errorCode(alice.session.trpc.users.setRole.mutate({ did: bob.did, role: 'admin' }))).toBe(
      'FORBIDDEN',
    );
  });

  it('rolls the change back when its audit event cannot be written', async () => {
    const code = await withAuditFailure(t, 'users.setRole', () =>
      errorCode(owner.session.trpc.users.setRole.mutate({ did: bob.did, role: 'admin' })),
    );
    expect(code).toBe('INTERNAL_SERVER_ERROR');
    expect(roleOf(bob.did)).toBe('guest');
    expect(eventsOf(t, owner.session.lastRequestId())).toEqual([]);
  });
});

describe('users.grantCredits', () => {
  it('adds credits through the ledger, recording the balance before and after', async () => {
    const result = await admin.session.trpc.users.grantCredits.mutate({
      did: bob.did,
      amount: 12.5,
      reason: 'welcome',
    });
    expect(result).toMatchObject({ amount: 12.5, user: { did: bob.did, credits: 12.5 } });
    expect(creditsOf(bob.did)).toBe(12_500_000);
    const ledger = t.hub.services.hubDb
      .select()
      .from(creditTransactions)
      .where(eq(creditTransactions.userDid, bob.did))
      .all();
    expect(ledger).toMatchObject([
      { amount: 12_500_000, kind: 'grant', reason: 'welcome', actorDid: admin.did, balanceAfter: 12_500_000 },
    ]);
    expectSuccessEvent(admin, 'admin', {
      action: 'users.grantCredits',
      targetId: bob.did,
      details: { amount: 12.5, reason: 'welcome', before: { credits: 0 }, after: { credits: 12.5 } },
    });
  });

  it('removes credits with a negative amount, exact to the micro-credit', async () => {
    const result = await admin.session.trpc.users.grantCredits.mutate({
      did: bob.did,
      amount: -2.000001,
      reason: 'correction',
    });
    expect(result.user.credits).toBe(10.499999);
    expect(creditsOf(bob.did)).toBe(10_499_999);
    const last = t.hub.services.hubDb
      .select()
      .from(creditTransactions)
      .where(eq(creditTransactions.reason, 'correction'))
      .get();
    expect(last).toMatchObject({ amount: -2_000_001, kind: 'adjustment', balanceAfter: 10_499_999 });
    expectSuccessEvent(admin, 'admin', {
      action: 'users.grantCredits',
      targetId: bob.did,
      details: {
        amount: -2.000001,
        reason: 'correction',
        before: { credits: 12.5 },
        after: { credits: 10.499999 },
      },
    });
  });

  it('never takes a balance below zero: BAD_REQUEST, and nothing is written', async () => {
    const ledgerSize = t.hub.services.hubDb.select().from(creditTransactions).all().length;
    expect(
      await errorCode(
        admin.session.trpc.users.grantCredits.mutate({ did: bob.did, amount: -10.5, reason: 'too much' }),
      ),
    ).toBe('BAD_REQUEST');
    expect(creditsOf(bob.did)).toBe(10_499_999);
    expect(t.hub.services.hubDb.select().from(creditTransactions).all()).toHaveLength(ledgerSize);
    expect(eventsOf(t, admin.session.lastRequestId())).toEqual([]);
  });

  it('validates the amount and the reason, and is NOT_FOUND for an unknown user', async () => {
    const grant = (input: { did: string; amount: number; reason?: string }) =>
      errorCode(admin.session.trpc.users.grantCredits.mutate(input as never));
    expect(await grant({ did: bob.did, amount: 0.0000001, reason: 'x' })).toBe('BAD_REQUEST');
    expect(await grant({ did: bob.did, amount: 0, reason: 'x' })).toBe('BAD_REQUEST');
    expect(await grant({ did: bob.did, amount: 1_000_000_001, reason: 'x' })).toBe('BAD_REQUEST');
    expect(await grant({ did: bob.did, amount: 1 })).toBe('BAD_REQUEST');
    expect(await grant({ did: bob.did, amount: 1, reason: '   ' })).toBe('BAD_REQUEST');
    expect(await grant({ did: 'did:abt:zNobody', amount: 1, reason: 'x' })).toBe('NOT_FOUND');
    expect(creditsOf(bob.did)).toBe(10_499_999);
  });

  it('rolls the grant and its ledger row back when the audit event cannot be written', async () => {
    const ledgerSize = t.hub.services.hubDb.select().from(creditTransactions).all().length;
    const code = await withAuditFailure(t, 'users.grantCredits', () =>
      errorCode(admin.session.trpc.users.grantCredits.mutate({ did: bob.did, amount: 5, reason: 'lost' })),
    );
    expect(code).toBe('INTERNAL_SERVER_ERROR');
    expect(creditsOf(bob.did)).toBe(10_499_999);
    expect(t.hub.services.hubDb.select().from(creditTransactions).all()).toHaveLength(ledgerSize);
  });
});

describe('users.revokeSessions', () => {
  it('ends every session of a user at once, leaving their API keys working', async () => {
    const { secret } = await bob.session.trpc.apiKeys.create.mutate({
      name: 'bob-cli',
      scopes: ['ai', 'api'],
    });
    const second = await signIn(t.hub.url, bob.wallet);
    const before = await admin.session.trpc.users.byDid.query({ did: bob.did });
    expect(before.liveSessions).toBe(3);

    expect(await admin.session.trpc.users.revokeSessions.mutate({ did: bob.did })).toEqual({ revoked: 3 });
    expectSuccessEvent(admin, 'admin', {
      action: 'users.revokeSessions',
      targetId: bob.did,
      details: { before: { liveSessions: 3 }, after: { liveSessions: 0 } },
    });
    expect(await errorCode(bob.session.trpc.me.get.query())).toBe('UNAUTHORIZED');
    expect(await errorCode(second.bearer.trpc.me.get.query())).toBe('UNAUTHORIZED');
    expect(await trackedCaller(t.hub.url, { bearer: secret }).trpc.me.get.query()).toMatchObject({
      did: bob.did,
      via: 'apiKey',
    });
    expect((await admin.session.trpc.users.byDid.query({ did: bob.did })).liveSessions).toBe(0);
  });

  it("forbids an admin to end the owner's sessions, and audits the denial", async () => {
    expect(await errorCode(admin.session.trpc.users.revokeSessions.mutate({ did: owner.did }))).toBe(
      'FORBIDDEN',
    );
    expectDeniedEvent(admin, {
      action: 'users.revokeSessions',
      targetId: owner.did,
      reason: "Only an owner can end an owner's sessions",
    });
    expect(await owner.session.trpc.me.get.query()).toMatchObject({ role: 'owner' });
  });

  it('is NOT_FOUND for an unknown user', async () => {
    expect(await errorCode(admin.session.trpc.users.revokeSessions.mutate({ did: 'did:abt:zNobody' }))).toBe(
      'NOT_FOUND',
    );
  });

  it('keeps the sessions when the audit event cannot be written (auth.db rolls back with hub.db)', async () => {
    const again = await signInPerson(t);
    const code = await withAuditFailure(t, 'users.revokeSessions', () =>
      errorCode(owner.session.trpc.users.revokeSessions.mutate({ did: again.did })),
    );
    expect(code).toBe('INTERNAL_SERVER_ERROR');
    expect(await again.session.trpc.me.get.query()).toMatchObject({ did: again.did });
  });
});

describe('users.transferOwnership', () => {
  it('is for the owner only, at a browser', async () => {
    expect(await errorCode(admin.session.trpc.users.transferOwnership.mutate({ did: admin.did }))).toBe(
      'FORBIDDEN',
    );
    expectDeniedEvent(admin, {
      action: 'users.transferOwnership',
      targetId: 'users.transferOwnership',
      reason: 'role admin below owner',
    });
    const { secret } = await owner.session.trpc.apiKeys.create.mutate({
      name: 'owner-cli',
      scopes: ['ai', 'api'],
    });
    const program = trackedCaller(t.hub.url, { bearer: secret });
    expect(await errorCode(program.trpc.users.transferOwnership.mutate({ did: carol.did }))).toBe(
      'FORBIDDEN',
    );
    expect(roleOf(owner.did)).toBe('owner');
  });

  it('refuses the owner themselves (BAD_REQUEST) and an unknown user (NOT_FOUND)', async () => {
    expect(await errorCode(owner.session.trpc.users.transferOwnership.mutate({ did: owner.did }))).toBe(
      'BAD_REQUEST',
    );
    expect(
      await errorCode(owner.session.trpc.users.transferOwnership.mutate({ did: 'did:abt:zNobody' })),
    ).toBe('NOT_FOUND');
  });

  it('rolls both role changes back when the audit event cannot be written', async () => {
    const code = await withAuditFailure(t, 'users.transferOwnership', () =>
      errorCode(owner.session.trpc.users.transferOwnership.mutate({ did: carol.did })),
    );
    expect(code).toBe('INTERNAL_SERVER_ERROR');
    expect([roleOf(owner.did), roleOf(carol.did)]).toEqual(['owner', 'guest']);
  });

  it('makes the target owner and the caller admin, in one step with one event', async () => {
    const result = await owner.session.trpc.users.transferOwnership.mutate({ did: carol.did });
    expect(result).toMatchObject({ callerRole: 'admin', user: { did: carol.did, role: 'owner' } });
    expect([roleOf(owner.did), roleOf(carol.did)]).toEqual(['admin', 'owner']);
    expectSuccessEvent(owner, 'owner', {
      action: 'users.transferOwnership',
      targetId: carol.did,
      details: {
        before: { callerRole: 'owner', targetRole: 'guest' },
        after: { callerRole: 'admin', targetRole: 'owner' },
      },
    });
  });

  it('leaves the former owner an admin from their very next call, under the new owner', async () => {
    const former = owner;
    expect(await errorCode(former.session.trpc.users.transferOwnership.mutate({ did: admin.did }))).toBe(
      'FORBIDDEN',
    );
    expect((await former.session.trpc.users.list.query({ role: 'owner' })).items.map((u) => u.did)).toEqual([
      carol.did,
    ]);
    expect(await errorCode(former.session.trpc.users.setRole.mutate({ did: carol.did, role: 'admin' }))).toBe(
      'FORBIDDEN',
    );
    expect(await errorCode(carol.session.trpc.users.setRole.mutate({ did: carol.did, role: 'admin' }))).toBe(
      'PRECONDITION_FAILED',
    );
    expect(roleOf(carol.did)).toBe('owner');
  });
});

describe('the audit trail after all of this', () => {
  it('has exactly one success event per change made, none for refusals or rollbacks, and verifies', () => {
    // setRole: admin, alice up, carol up, carol down, alice down (no-ops, refusals and the rollback left none).
    expect(countEvents(t, 'users.setRole', 'success')).toBe(5);
    expect(countEvents(t, 'users.grantCredits', 'success')).toBe(2);
    expect(countEvents(t, 'users.revokeSessions', 'success')).toBe(1);
    expect(countEvents(t, 'users.transferOwnership', 'success')).toBe(1);
    // Denied: admin -> owner, admin -> make owner, last owner, API key, demoted alice, former owner -> carol,
    // carol as the last owner.
    expect(countEvents(t, 'users.setRole', 'denied')).toBe(7);
    expect(t.hub.services.audit.verify()).toMatchObject({ ok: true });
  });
});
