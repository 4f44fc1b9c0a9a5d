import { AUDIT_CSV_HEADER, toCsvRow, verifyChain, type AuditEvent } from '@aigne-hub/core';
import type { HubDatabases } from '@aigne-hub/db';
import { createTestDatabases } from '@aigne-hub/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail, NO_REQUEST } from '../../audit/audit-trail';
import { buildAuditExport, iterateAuditEvents, listAuditEvents, prefixEnd, type AuditFilters } from './query';

const AUDIT_KEY = Buffer.alloc(32, 0x11);
const T0 = Date.parse('2025-01-31T12:00:00.000Z');
const minutes = (n: number) => new Date(T0 + n * 60_000).toISOString();

let dbs: HubDatabases;
let now = T0;
const A = { did: 'did:abt:zAlice', role: 'admin', via: 'session' as const };
const B = { did: 'did:abt:zBob', role: 'guest', via: 'apiKey' as const };

beforeAll(() => {
  dbs = createTestDatabases();
  const trail = new AuditTrail(dbs.hub.db, AUDIT_KEY, () => new Date(now));
  const events: [
    typeof A | typeof B,
    string,
    'success' | 'denied' | 'error',
    string | null,
    string | null,
  ][] = [
    [A, 'auth.login', 'success', 'user', A.did], // 1, +0m
    [A, 'apiKeys.create', 'success', 'apiKey', 'k1'], // 2, +1m
    [B, 'apiKeys.revoke', 'denied', 'apiKey', 'k1'], // 3, +2m
    [B, 'apiKeysX.odd', 'success', null, null], // 4, +3m
    [A, 'auth.logout', 'success', 'user', A.did], // 5, +4m
    [A, 'credentials.create', 'error', 'credential', 'c1'], // 6, +5m
    [B, 'ai.chat', 'success', 'model', 'openai/gpt-4o'], // 7, +6m
    [B, 'auth_legacy.import', 'success', null, null], // 8, +7m
  ];
  events.forEach(([actor, action, outcome, targetType, targetId], index) => {
    now = T0 + index * 60_000;
    trail.record(actor, { ...NO_REQUEST, ip: '10.0.0.1' }, { action, outcome, targetType, targetId });
  });
});
afterAll(() => dbs.close());

const seqs = (filters: AuditFilters, limit = 200) =>
  listAuditEvents(dbs.hub.db, filters, { limit }).events.map((event) => event.seq);

describe('prefixEnd', () => {
  it('is the prefix with its last character incremented', () => {
    expect(prefixEnd('apiKeys.')).toBe('apiKeys/');
    expect(prefixEnd('auth')).toBe('auti');
    expect(prefixEnd('a-')).toBe('a.');
  });
});

describe('listAuditEvents filters', () => {
  it('lists newest first', () => {
    expect(seqs({})).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
  });

  it('matches an action prefix as a prefix, with no wildcard meaning for _ or anything else', () => {
    expect(seqs({ actionPrefix: 'apiKeys.' })).toEqual([3, 2]);
    expect(seqs({ actionPrefix: 'apiKeys' })).toEqual([4, 3, 2]);
    expect(seqs({ actionPrefix: 'auth' })).toEqual([8, 5, 1]);
    expect(seqs({ actionPrefix: 'auth.' })).toEqual([5, 1]);
    // With LIKE 'auth_%' this would also match auth.login and auth.logout.
    expect(seqs({ actionPrefix: 'auth_' })).toEqual([8]);
    expect(seqs({ actionPrefix: 'auth.login' })).toEqual([1]);
    expect(seqs({ actionPrefix: 'nothing.' })).toEqual([]);
  });

  it('filters by actor, target, outcome and time range (from inclusive, to exclusive), combined with AND', () => {
    expect(seqs({ actorDid: B.did })).toEqual([8, 7, 4, 3]);
    expect(seqs({ targetType: 'apiKey', targetId: 'k1' })).toEqual([3, 2]);
    expect(seqs({ targetId: A.did })).toEqual([5, 1]);
    expect(seqs({ outcome: 'denied' })).toEqual([3]);
    expect(seqs({ outcome: 'error' })).toEqual([6]);
    expect(seqs({ from: minutes(2), to: minutes(5) })).toEqual([5, 4, 3]);
    expect(seqs({ from: minutes(7) })).toEqual([8]);
    expect(seqs({ to: minutes(1) })).toEqual([1]);
    expect(seqs({ actorDid: A.did, actionPrefix: 'auth.', from: minutes(1) })).toEqual([5]);
  });
});

describe('listAuditEvents pages', () => {
  it('walks every event exactly once with the cursor, and says when there is no more', () => {
    const first = listAuditEvents(dbs.hub.db, {}, { limit: 3 });
    expect(first.events.map((event) => event.seq)).toEqual([8, 7, 6]);
    expect(first.nextCursor).toBe('6');
    const second = listAuditEvents(dbs.hub.db, {}, { limit: 3, cursor: 6 });
    expect(second.events.map((event) => event.seq)).toEqual([5, 4, 3]);
    const third = listAuditEvents(dbs.hub.db, {}, { limit: 3, cursor: Number(second.nextCursor) });
    expect(third.events.map((event) => event.seq)).toEqual([2, 1]);
    expect(third.nextCursor).toBeNull();
    // A page that ends exactly at the last event says so too.
    expect(listAuditEvents(dbs.hub.db, {}, { limit: 8 }).nextCursor).toBeNull();
  });

  it('pages within a filter', () => {
    const first = listAuditEvents(dbs.hub.db, { actorDid: B.did }, { limit: 2 });
    expect(first.events.map((event) => event.seq)).toEqual([8, 7]);
    const rest = listAuditEvents(
      dbs.hub.db,
      { actorDid: B.did },
      { limit: 2, cursor: Number(first.nextCursor) },
    );
    expect(rest.events.map((event) => event.seq)).toEqual([4, 3]);
    expect(rest.nextCursor).toBeNull();
  });

  it('returns events exactly as stored and chained', () => {
    const [event] = listAuditEvents(dbs.hub.db, { actionPrefix: 'apiKeys.create' }, { limit: 1 }).events;
    expect(event).toMatchObject({
      seq: 2,
      ts: minutes(1),
      actorDid: A.did,
      actorRole: 'admin',
      via: 'session',
      ip: '10.0.0.1',
      action: 'apiKeys.create',
      targetType: 'apiKey',
      targetId: 'k1',
      outcome: 'success',
      details: null,
    });
    expect(event!.prevHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('iterateAuditEvents', () => {
  it('yields matching events oldest first across batches, after a given seq', () => {
    const all = [...iterateAuditEvents(dbs.hub.db, {}, { batchSize: 3 })].map((event) => event.seq);
    expect(all).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...iterateAuditEvents(dbs.hub.db, {}, { batchSize: 2, afterSeq: 5 })].map((e) => e.seq)).toEqual([
      6, 7, 8,
    ]);
    expect(
      [...iterateAuditEvents(dbs.hub.db, { outcome: 'success' }, { batchSize: 2 })].map((e) => e.seq),
    ).toEqual([1, 2, 4, 5, 7, 8]);
  });
});

describe('buildAuditExport', () => {
  const everything = () => [...iterateAuditEvents(dbs.hub.db, {})];

  it('writes NDJSON that parses back to the stored events, and still verifies as a chain', () => {
    const result = buildAuditExport(dbs.hub.db, {}, { format: 'ndjson', limit: 50_000 });
    expect(result).toMatchObject({ count: 8, truncated: false, nextCursor: null });
    const lines = result.content.split('\n');
    expect(lines.at(-1)).toBe('');
    const parsed = lines.slice(0, -1).map((line) => JSON.parse(line) as AuditEvent);
    expect(parsed).toEqual(everything());
    expect(verifyChain(parsed, AUDIT_KEY)).toMatchObject({ ok: true, count: 8 });
  });

  it('writes CSV with its header, one row per event', () => {
    const result = buildAuditExport(dbs.hub.db, { outcome: 'success' }, { format: 'csv', limit: 50_000 });
    const expected = everything().filter((event) => event.outcome === 'success');
    expect(result.content).toBe(AUDIT_CSV_HEADER + expected.map(toCsvRow).join(''));
    expect(result.count).toBe(6);
  });

  it('stops at the limit, says so, and continues from the cursor', () => {
    const first = buildAuditExport(dbs.hub.db, {}, { format: 'csv', limit: 5 });
    expect(first).toMatchObject({ count: 5, truncated: true, nextCursor: '5' });
    const rest = buildAuditExport(dbs.hub.db, {}, { format: 'csv', limit: 5, cursor: 5 });
    expect(rest).toMatchObject({ count: 3, truncated: false, nextCursor: null });
    expect(first.content + rest.content.slice(AUDIT_CSV_HEADER.length)).toBe(
      buildAuditExport(dbs.hub.db, {}, { format: 'csv', limit: 50_000 }).content,
    );
    // Exactly at the limit is not truncated.
    expect(buildAuditExport(dbs.hub.db, {}, { format: 'ndjson', limit: 8 }).truncated).toBe(false);
  });
});
