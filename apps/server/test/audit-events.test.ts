/**
 * `auditEvents.*` over real HTTP, as an owner signed in with a DID wallet: filters and cursor pages, exports,
 * verification (also of a trail tampered with underneath the running hub), and the events these leave.
 */
import type { AuditEvent } from '@aigne-hub/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_REQUEST } from '../src/audit/audit-trail';
import { errorCode, newWallet, signIn, startTestHub, type Caller, type TestHub } from './helpers';

let t: TestHub;
let owner: Caller;
let ownerDid: string;

beforeAll(async () => {
  t = await startTestHub();
  const wallet = newWallet();
  ownerDid = `did:abt:${wallet.address}`;
  const signedIn = await signIn(t.hub.url, wallet, t.hub.setupCode!);
  owner = signedIn.session;
  const { audit } = t.hub.services;
  for (let i = 0; i < 5; i += 1) {
    audit.record({ did: 'did:abt:zSomeone', role: 'guest', via: 'apiKey' }, NO_REQUEST, {
      action: 'ai.chat',
      outcome: i === 4 ? 'error' : 'success',
      targetType: 'model',
      targetId: 'openai/gpt-4o',
    });
  }
});
afterAll(() => t.close());

const allSeqs = () =>
  (
    t.hub.services.hubDb.$client.prepare('SELECT seq FROM audit_events ORDER BY seq DESC').all() as {
      seq: number;
    }[]
  ).map((row) => row.seq);
const lastEvent = () =>
  t.hub.services.hubDb.$client
    .prepare('SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1')
    .get() as Record<string, unknown>;

describe('auditEvents.list', () => {
  it('pages through the whole trail newest first with the cursor', async () => {
    const expected = allSeqs();
    const seen: number[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await owner.trpc.auditEvents.list.query({
        limit: 3,
        direction: 'forward',
        ...(cursor && { cursor }),
      });
      seen.push(...page.events.map((event) => event.seq));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(expected);
  });

  it('applies filters, with times in any offset', async () => {
    const chats = await owner.trpc.auditEvents.list.query({ actionPrefix: 'ai.', outcome: 'success' });
    expect(chats.events).toHaveLength(4);
    expect(chats.events.every((event) => event.action === 'ai.chat' && event.outcome === 'success')).toBe(
      true,
    );

    const mine = await owner.trpc.auditEvents.list.query({ actorDid: ownerDid, actionPrefix: 'users.' });
    expect(mine.events.map((event) => event.action)).toEqual(['users.claimOwner', 'users.create']);

    const future = await owner.trpc.auditEvents.list.query({ from: '2999-01-01T01:00:00+01:00' });
    expect(future).toEqual({ events: [], nextCursor: null });
    const past = await owner.trpc.auditEvents.list.query({ to: '2000-01-01T00:00:00Z' });
    expect(past.events).toEqual([]);
  });

  it('refuses bad input with BAD_REQUEST', async () => {
    const list = owner.trpc.auditEvents.list;
    expect(await errorCode(list.query({ limit: 0 }))).toBe('BAD_REQUEST');
    expect(await errorCode(list.query({ limit: 201 }))).toBe('BAD_REQUEST');
    expect(await errorCode(list.query({ actionPrefix: 'ai%' }))).toBe('BAD_REQUEST');
    expect(await errorCode(list.query({ cursor: 'abc' }))).toBe('BAD_REQUEST');
    expect(await errorCode(list.query({ from: 'yesterday' }))).toBe('BAD_REQUEST');
    expect(await errorCode(list.query({ from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }))).toBe(
      'BAD_REQUEST',
    );
    expect(await errorCode(list.query({ unknown: 1 } as never))).toBe('BAD_REQUEST');
  });
});

describe('auditEvents.export', () => {
  it('exports NDJSON of the filtered range, and audits the export', async () => {
    const answer = await owner.trpc.auditEvents.export.query({ actionPrefix: 'ai.' });
    expect(answer).toMatchObject({
      format: 'ndjson',
      contentType: 'application/x-ndjson',
      count: 5,
      truncated: false,
      nextCursor: null,
      notice: null,
    });
    expect(answer.fileName).toMatch(/^audit-events-\d{8}T\d{6}Z\.ndjson$/);
    const events = answer.content
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as AuditEvent);
    expect(events.map((event) => event.action)).toEqual(Array(5).fill('ai.chat'));
    expect(events.map((event) => event.seq)).toEqual(
      [...events.map((event) => event.seq)].sort((a, b) => a - b),
    );

    const event = lastEvent();
    expect(event).toMatchObject({
      action: 'auditEvents.export',
      actor_did: ownerDid,
      actor_role: 'owner',
      via: 'session',
      outcome: 'success',
      target_type: 'auditEvents',
    });
    expect(JSON.parse(event.details as string)).toEqual({
      count: 5,
      filters: { actionPrefix: 'ai.' },
      format: 'ndjson',
      truncated: false,
    });
  });

  it('exports CSV with a header, and says when it is truncated', async () => {
    const first = await owner.trpc.auditEvents.export.query({ format: 'csv', limit: 2, actionPrefix: 'ai.' });
    expect(first).toMatchObject({ contentType: 'text/csv; charset=utf-8', count: 2, truncated: true });
    expect(first.content.startsWith('seq,id,ts,actorDid,')).toBe(true);
    expect(first.content.split('\r\n')).toHaveLength(4); // header, 2 rows, trailing empty
    expect(first.notice).toContain(`export again with cursor ${first.nextCursor}`);
    const rest = await owner.trpc.auditEvents.export.query({
      format: 'csv',
      actionPrefix: 'ai.',
      cursor: first.nextCursor!,
    });
    expect(rest).toMatchObject({ count: 3, truncated: false });
    expect(await errorCode(owner.trpc.auditEvents.export.query({ limit: 50_001 }))).toBe('BAD_REQUEST');
    expect(await errorCode(owner.trpc.auditEvents.export.query({ format: 'xml' } as never))).toBe(
      'BAD_REQUEST',
    );
  });
});

describe('auditEvents.verify', () => {
  it('verifies the chain and audits the check', async () => {
    const before = allSeqs()[0]!;
    const result = await owner.trpc.auditEvents.verify.query();
    expect(result).toMatchObject({ ok: true, count: before, head: { seq: before } });
    const event = lastEvent();
    expect(event).toMatchObject({ action: 'auditEvents.verify', outcome: 'success', seq: before + 1 });
    expect(JSON.parse(event.details as string)).toEqual({ ok: true, count: before, headSeq: before });
  });

  it('names the first bad event when a row was changed underneath the hub', async () => {
    const sqlite = t.hub.services.hubDb.$client;
    const victim = sqlite
      .prepare("SELECT seq, id FROM audit_events WHERE action = 'ai.chat' ORDER BY seq LIMIT 1")
      .get() as {
      seq: number;
      id: string;
    };
    // What an attacker with the file could do: drop the append-only trigger and edit.
    sqlite.exec('DROP TRIGGER audit_events_no_update');
    sqlite.prepare("UPDATE audit_events SET outcome = 'denied' WHERE seq = ?").run(victim.seq);

    const result = await owner.trpc.auditEvents.verify.query();
    expect(result).toEqual({
      ok: false,
      index: victim.seq - 1,
      seq: victim.seq,
      id: victim.id,
      reason: 'edited',
      message: expect.stringContaining(`seq ${victim.seq}`) as string,
    });
    const event = lastEvent();
    expect(event).toMatchObject({
      action: 'auditEvents.verify',
      outcome: 'error',
      reason: `chain broken at seq ${victim.seq}: edited`,
    });
  });
});
