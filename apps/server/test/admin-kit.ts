/**
 * Shared by the admin-router suites (users, config, usage): clients that remember the request id the hub gave
 * each call (the `x-request-id` response header), so a test can find exactly the audit events of one call,
 * and signed-in people of each role.
 */
import { createTRPCClient, httpLink } from '@trpc/client';
import type { WalletObject } from '@ocap/wallet';
import type { AppRouter } from '../src/routers/_app';
import { fromRow } from '../src/audit/audit-trail';
import { and, asc, auditEvents, eq } from '@aigne-hub/db';
import { newWallet, signIn, type TestHub } from './helpers';

export interface TrackedCaller {
  trpc: ReturnType<typeof createTRPCClient<AppRouter>>;
  /** The hub's request id of the last answered call. */
  lastRequestId(): string;
}

/** Like a browser on the hub's origin (cookie) or a program (bearer), remembering request ids. */
export function trackedCaller(url: string, auth: { cookie?: string; bearer?: string }): TrackedCaller {
  let requestId: string | null = null;
  const headers: Record<string, string> = {};
  if (auth.cookie) {
    headers.cookie = auth.cookie;
    headers.origin = new URL(url).origin;
  }
  if (auth.bearer) headers.authorization = `Bearer ${auth.bearer}`;
  const trpc = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/api/trpc`,
        headers: () => ({ ...headers, 'user-agent': 'admin-suite/1.0' }),
        fetch: async (input: string | URL | Request, init?: RequestInit) => {
          const response = await fetch(input, init);
          requestId = response.headers.get('x-request-id');
          return response;
        },
      }),
    ],
  });
  return {
    trpc,
    lastRequestId() {
      if (!requestId) throw new Error('no call answered yet');
      return requestId;
    },
  };
}

export interface Person {
  wallet: WalletObject;
  did: string;
  /** Browser session (cookie + Origin). */
  session: TrackedCaller;
  /** The same session token as a Bearer (via `session`, like a CLI). */
  token: string;
  cookie: string;
}

export async function signInPerson(t: TestHub, setupCode?: string): Promise<Person> {
  const wallet = newWallet();
  const result = await signIn(t.hub.url, wallet, setupCode);
  return {
    wallet,
    did: result.user.did,
    session: trackedCaller(t.hub.url, { cookie: result.cookie }),
    token: result.token,
    cookie: result.cookie,
  };
}

/** Every audit event a request left, in chain order. */
export function eventsOf(t: TestHub, requestId: string) {
  return t.hub.services.hubDb
    .select()
    .from(auditEvents)
    .where(eq(auditEvents.requestId, requestId))
    .orderBy(asc(auditEvents.seq))
    .all()
    .map(fromRow);
}

/** The one event a request left; fails the test when there is not exactly one. */
export function onlyEventOf(t: TestHub, requestId: string) {
  const events = eventsOf(t, requestId);
  if (events.length !== 1) {
    throw new Error(`expected exactly one audit event for ${requestId}, found ${events.length}`);
  }
  return events[0]!;
}

export function countEvents(t: TestHub, action: string, outcome: 'success' | 'denied' | 'error'): number {
  return t.hub.services.hubDb
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), eq(auditEvents.outcome, outcome)))
    .all().length;
}

/**
 * Makes every append of `action` to the audit trail fail (a TEMP trigger on the hub's own connection), runs
 * `fn`, and removes the trigger again: a real failure of the real INSERT, not a stand-in. The trigger fails with
 * a runtime error (integer overflow), as a full disk or an I/O error would, rather than with RAISE, which SQLite
 * reports as a constraint violation (a client error).
 */
export async function withAuditFailure<T>(t: TestHub, action: string, fn: () => Promise<T>): Promise<T> {
  const sqlite = t.hub.services.databases.hub.sqlite;
  sqlite.exec(
    `CREATE TEMP TRIGGER force_audit_failure BEFORE INSERT ON main.audit_events
     WHEN NEW.action = '${action.replace(/'/g, "''")}'
     BEGIN SELECT abs(-9223372036854775807 - 1); END`,
  );
  try {
    return await fn();
  } finally {
    sqlite.exec('DROP TRIGGER temp.force_audit_failure');
  }
}
