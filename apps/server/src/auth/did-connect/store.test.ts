import { createHash } from 'node:crypto';
import { didConnectSessions, eq, type HubDatabases } from '@aigne-hub/db';
import { createTestDatabases } from '@aigne-hub/db/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONNECT_SESSION_TTL_MS, ConnectSessionStore } from './store';

let dbs: HubDatabases;
let now: Date;
let store: ConnectSessionStore;

beforeEach(() => {
  dbs = createTestDatabases();
  now = new Date('2026-03-01T12:00:00.000Z');
  store = new ConnectSessionStore(dbs.auth.db, () => now);
});
afterEach(() => dbs.close());

const row = (token: string) =>
  dbs.auth.db.select().from(didConnectSessions).where(eq(didConnectSessions.token, token)).get();

describe('open', () => {
  it('makes a random token and poll key, keeps only the key hash, and expires after the TTL', () => {
    const a = store.open({ challenge: 'C1', currentStep: 0 });
    const b = store.open({ challenge: 'C2', currentStep: 0 });
    expect(a.token).toMatch(/^[0-9a-f]{32}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.pollKey).not.toBe(b.pollKey);
    expect(a.expiresAt).toEqual(new Date(now.getTime() + CONNECT_SESSION_TTL_MS));
    expect(row(a.token)).toMatchObject({
      pollKeyHash: createHash('sha256').update(a.pollKey).digest('hex'),
      state: { challenge: 'C1', currentStep: 0, token: a.token, status: 'created' },
      did: null,
      verifiedAt: null,
      consumedAt: null,
    });
  });

  it('prunes sessions that expired more than an hour ago', async () => {
    const old = store.open({});
    now = new Date(now.getTime() + CONNECT_SESSION_TTL_MS + 60 * 60_000 + 1);
    store.open({});
    expect(row(old.token)).toBeUndefined();
    expect(await store.read(old.token)).toBeNull();
  });
});

describe('the library storage interface', () => {
  it('reads and shallow-merges state, never replacing the token', async () => {
    const { token } = store.open({ currentStep: 0, extraParams: { a: 1 } });
    expect(await store.update(token, { status: 'scanned', token: 'other', extraParams: { b: 2 } })).toEqual({
      currentStep: 0,
      extraParams: { b: 2 },
      token,
      status: 'scanned',
    });
    expect(await store.read(token)).toMatchObject({ status: 'scanned', token });
    expect(await store.exist(token)).toBe(true);
    expect(await store.exist(token, 'z1someone')).toBe(false);
    expect(await store.update('f'.repeat(32), { status: 'x' })).toBeNull();
  });

  it('sees nothing once the session expired', async () => {
    const { token } = store.open({});
    now = new Date(now.getTime() + CONNECT_SESSION_TTL_MS);
    expect(await store.read(token)).toBeNull();
    expect(await store.update(token, { status: 'scanned' })).toBeNull();
    expect(store.markVerified(token, 'did:abt:z1')).toBe(false);
  });

  it('create makes a session no browser can pick up', async () => {
    await store.create('a'.repeat(32));
    expect(await store.read('a'.repeat(32))).toEqual({ token: 'a'.repeat(32), status: 'created' });
    expect(store.poll('a'.repeat(32), 'anything')).toEqual({ kind: 'wrong_key' });
  });

  it('delete removes a session that is not verified, and keeps a verified one for its browser', async () => {
    const pending = store.open({});
    const verified = store.open({});
    store.markVerified(verified.token, 'did:abt:z1');
    await store.delete(pending.token);
    await store.delete(verified.token);
    expect(row(pending.token)).toBeUndefined();
    expect(store.poll(verified.token, verified.pollKey)).toEqual({ kind: 'verified', did: 'did:abt:z1' });
  });
});

describe('verification and pick-up', () => {
  it('verifies once; the library no longer sees the session afterwards', async () => {
    const { token } = store.open({});
    expect(store.markVerified(token, 'did:abt:z1')).toBe(true);
    expect(store.markVerified(token, 'did:abt:z2')).toBe(false);
    expect(await store.read(token)).toBeNull();
    expect(await store.update(token, { status: 'error' })).toBeNull();
    expect(row(token)).toMatchObject({ did: 'did:abt:z1', verifiedAt: now });
  });

  it('polls: pending with the library status, the error only in status error, then verified exactly once', async () => {
    const { token, pollKey } = store.open({});
    expect(store.poll(token, pollKey)).toEqual({ kind: 'pending', status: 'created', error: null });
    await store.update(token, { status: 'scanned', error: 'stale' });
    expect(store.poll(token, pollKey)).toEqual({ kind: 'pending', status: 'scanned', error: null });
    await store.update(token, { status: 'error', error: 'Challenge mismatch' });
    expect(store.poll(token, pollKey)).toEqual({
      kind: 'pending',
      status: 'error',
      error: 'Challenge mismatch',
    });
    store.markVerified(token, 'did:abt:z1');
    expect(store.poll(token, `${pollKey}x`)).toEqual({ kind: 'wrong_key' });
    expect(store.poll(token, pollKey)).toEqual({ kind: 'verified', did: 'did:abt:z1' });
    expect(store.poll(token, pollKey)).toEqual({ kind: 'unknown' });
    expect(row(token)?.consumedAt).toEqual(now);
  });

  it('an unknown or expired session polls as unknown', () => {
    const { token, pollKey } = store.open({});
    expect(store.poll('0'.repeat(32), pollKey)).toEqual({ kind: 'unknown' });
    store.markVerified(token, 'did:abt:z1');
    now = new Date(now.getTime() + CONNECT_SESSION_TTL_MS);
    expect(store.poll(token, pollKey)).toEqual({ kind: 'unknown' });
  });
});
