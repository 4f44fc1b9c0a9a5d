/**
 * Shared by the admin router suites: a hub with an owner, an admin and a guest signed in over HTTP, clients
 * that remember each response (its request id and body, so tests can search every answer for a planted
 * secret), and helpers that read the audit trail straight from the database.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createTRPCClient, httpLink } from '@trpc/client';
import { expect } from 'vitest';
import type { AppRouter } from '../src/routers/_app';
import { newWallet, signIn, startTestHub, type HubClient, type TestHub } from './helpers';

export interface TrackedClient {
  trpc: HubClient;
  did: string;
  role: 'owner' | 'admin' | 'guest';
  /** The `x-request-id` of the last response. */
  lastRequestId: string | null;
}

export interface AdminHarness {
  t: TestHub;
  url: string;
  owner: TrackedClient;
  admin: TrackedClient;
  guest: TrackedClient;
  /** Every response body any client received, in order. */
  transcript: string[];
  close(): Promise<void>;
}

export async function startAdminHarness(): Promise<AdminHarness> {
  const t = await startTestHub();
  const url = t.hub.url;
  const transcript: string[] = [];
  const client = (cookie: string, did: string, role: TrackedClient['role']): TrackedClient => {
    const state: TrackedClient = { trpc: undefined as unknown as HubClient, did, role, lastRequestId: null };
    state.trpc = createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: `${url}/api/trpc`,
          headers: () => ({ cookie, origin: new URL(url).origin }),
          fetch: async (input: string | URL | Request, init?: RequestInit) => {
            const response = await fetch(input, init);
            state.lastRequestId = response.headers.get('x-request-id');
            transcript.push(await response.clone().text());
            return response;
          },
        }),
      ],
    });
    return state;
  };
  const ownerLogin = await signIn(url, newWallet(), t.hub.setupCode!);
  const adminLogin = await signIn(url, newWallet());
  const guestLogin = await signIn(url, newWallet());
  t.hub.services.hubDb.$client
    .prepare("UPDATE users SET role = 'admin' WHERE did = ?")
    .run(adminLogin.user.did);
  return {
    t,
    url,
    owner: client(ownerLogin.cookie, ownerLogin.user.did, 'owner'),
    admin: client(adminLogin.cookie, adminLogin.user.did, 'admin'),
    guest: client(guestLogin.cookie, guestLogin.user.did, 'guest'),
    transcript,
    close: () => t.close(),
  };
}

export interface AuditRow {
  seq: number;
  actor_did: string | null;
  actor_role: string | null;
  via: string | null;
  ip: string | null;
  request_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: string;
  reason: string | null;
  details: string | null;
}

export function auditHead(t: TestHub): number {
  return (
    t.hub.services.hubDb.$client.prepare('SELECT coalesce(max(seq), 0) AS seq FROM audit_events').get() as {
      seq: number;
    }
  ).seq;
}

export function auditSince(t: TestHub, seq: number): AuditRow[] {
  return t.hub.services.hubDb.$client
    .prepare('SELECT * FROM audit_events WHERE seq > ? ORDER BY seq')
    .all(seq) as AuditRow[];
}

/**
 * Asserts that exactly one event was written since `seq`, by `by`'s last request, with every field of a
 * person's action filled; returns its parsed details.
 */
export function expectOneEvent(
  t: TestHub,
  seq: number,
  by: TrackedClient,
  expected: {
    action: string;
    targetType: string;
    targetId: string;
    outcome?: string;
    reason?: string | null;
  },
): Record<string, unknown> {
  const events = auditSince(t, seq);
  expect(events.map((e) => e.action)).toEqual([expected.action]);
  const [event] = events as [AuditRow];
  expect(by.lastRequestId).toBeTruthy();
  expect(event).toMatchObject({
    actor_did: by.did,
    actor_role: by.role,
    via: 'session',
    ip: '127.0.0.1',
    request_id: by.lastRequestId,
    action: expected.action,
    target_type: expected.targetType,
    target_id: expected.targetId,
    outcome: expected.outcome ?? 'success',
    ...(expected.reason !== undefined && { reason: expected.reason }),
  });
  return event.details === null ? {} : (JSON.parse(event.details) as Record<string, unknown>);
}

/**
 * Makes the audit insert of `action` fail (a trigger that raises an ordinary SQL error) while `fn` runs, to
 * prove that the change it accompanies rolls back with it.
 */
export async function withFailingAudit<T>(t: TestHub, action: string, fn: () => Promise<T>): Promise<T> {
  const db = t.hub.services.hubDb.$client;
  db.exec(
    `CREATE TRIGGER test_sabotage_audit BEFORE INSERT ON audit_events WHEN NEW.action = '${action}'
     BEGIN SELECT json('the audit store is unavailable'); END`,
  );
  try {
    return await fn();
  } finally {
    db.exec('DROP TRIGGER test_sabotage_audit');
  }
}

/** The bytes of the hub database, including what is still only in its write-ahead log. */
export function hubDbBytes(t: TestHub): Buffer {
  return databaseBytes(t.dir, ['hub.db']);
}

/** The bytes of the named databases in `dir`, with what is still only in their write-ahead logs. */
export function databaseBytes(dir: string, databases = ['hub.db', 'auth.db']): Buffer {
  const files = databases.flatMap((name) => [name, `${name}-wal`]).map((name) => path.join(dir, name));
  return Buffer.concat(files.filter((file) => fs.existsSync(file)).map((file) => fs.readFileSync(file)));
}

/**
 * Every run of `size` characters of `secret`: a text containing any of them leaks more of the secret than a
 * mask shows (masks show at most four characters from each end).
 */
export function fragmentsOf(secret: string, size = 9): string[] {
  const fragments: string[] = [];
  for (let i = 0; i + size <= secret.length; i++) fragments.push(secret.slice(i, i + size));
  return fragments;
}

/** The fragments of `secrets` found in `haystack` (empty when nothing leaked). */
export function leakedFragments(haystack: string | Buffer, secrets: readonly string[]): string[] {
  const text = typeof haystack === 'string' ? haystack : haystack.toString('latin1');
  return secrets.flatMap((secret) => fragmentsOf(secret).filter((fragment) => text.includes(fragment)));
}
