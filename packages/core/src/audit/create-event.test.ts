import { describe, expect, it } from 'vitest';
import { ConfigError, ValidationError } from '../errors';
import { chain } from './chain';
import { createAuditEvent, type AuditEventInput } from './create-event';
import { AUDIT_GENESIS_HASH } from './types';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const NOW = new Date(Date.UTC(2025, 0, 31, 12, 0, 0, 0));
const OPENAI_KEY = 'sk-proj-Q1w2E3r4T5y6U7i8O9p0AsDfGhJkLzXcVbNm';

const INPUT: AuditEventInput = {
  action: 'credentials.create',
  outcome: 'success',
  actorDid: 'did:abt:z1owner',
  actorRole: 'owner',
  via: 'session',
  ip: '203.0.113.7',
  userAgent: 'Mozilla/5.0 "test"',
  requestId: 'req-1',
  targetType: 'credential',
  targetId: 'cred_1',
  reason: 'line1\nline2\u0007',
  details: {
    provider: 'openai',
    weights: [1, 2.5, -3, 1e21],
    nested: { z: true, a: null },
    é: 'ü',
    api_key: 'sk-a********wxyz',
  },
};

describe('createAuditEvent', () => {
  it('builds the first event of the known vector (see canonical.test.ts)', () => {
    const event = createAuditEvent(INPUT, null, KEY, {
      now: NOW,
      id: '0194c0a4-9a00-7000-8000-000000000000',
    });
    expect(event).toEqual({
      seq: 1,
      id: '0194c0a4-9a00-7000-8000-000000000000',
      ts: '2025-01-31T12:00:00.000Z',
      actorDid: 'did:abt:z1owner',
      actorRole: 'owner',
      via: 'session',
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0 "test"',
      requestId: 'req-1',
      action: 'credentials.create',
      targetType: 'credential',
      targetId: 'cred_1',
      outcome: 'success',
      reason: 'line1\nline2\u0007',
      details: {
        api_key: 'sk-a********wxyz',
        nested: { a: null, z: true },
        provider: 'openai',
        weights: [1, 2.5, -3, 1e21],
        é: 'ü',
      },
      prevHash: AUDIT_GENESIS_HASH,
      hash: '882c27821ee4b8f5ebd594b81f1e94eee582a041efd9a949b27a03f8fe78e9c5',
    });
    // Details come back with their keys sorted, as they will from storage.
    expect(Object.keys(event.details ?? {})).toEqual(['api_key', 'nested', 'provider', 'weights', 'é']);
  });

  it('chains onto the previous event and fills defaults', () => {
    const first = createAuditEvent(INPUT, null, KEY, { now: NOW });
    const second = createAuditEvent({ action: 'auth.login', outcome: 'denied' }, first, KEY, {
      now: new Date(NOW.getTime() + 1),
    });
    expect(second).toMatchObject({
      seq: 2,
      ts: '2025-01-31T12:00:00.001Z',
      actorDid: null,
      actorRole: null,
      via: null,
      ip: null,
      userAgent: null,
      requestId: null,
      targetType: null,
      targetId: null,
      reason: null,
      details: null,
      prevHash: first.hash,
    });
    expect(second.hash).toBe(chain(first.hash, second, KEY));
    // The id is a UUIDv7 of the event's own time.
    expect(second.id.replace(/-/g, '').slice(0, 12)).toBe((NOW.getTime() + 1).toString(16).padStart(12, '0'));
  });

  it('always redacts details and reason, whatever the caller did', () => {
    const event = createAuditEvent(
      {
        action: 'ai.chat',
        outcome: 'error',
        reason: `Upstream said: Incorrect API key provided: ${OPENAI_KEY}`,
        details: {
          upstreamBody: `{"error":{"message":"Incorrect API key provided: ${OPENAI_KEY}"}}`,
          credential: { api_key: OPENAI_KEY },
          headers: { authorization: `Bearer ${OPENAI_KEY}` },
          usage: { inputTokens: 12, outputTokens: 0 },
          at: new Date(0),
        },
      },
      null,
      KEY,
      { now: NOW },
    );
    const stored = JSON.stringify(event);
    expect(stored).not.toContain(OPENAI_KEY);
    expect(stored).not.toContain('Q1w2E3r4T5y6');
    expect(event.reason).toBe('Upstream said: Incorrect API key provided: sk-p********VbNm');
    expect(event.details).toEqual({
      at: '1970-01-01T00:00:00.000Z',
      credential: { api_key: 'sk-p********VbNm' },
      headers: { authorization: 'Bear********VbNm' },
      upstreamBody: '{"error":{"message":"Incorrect API key provided: sk-p********VbNm"}}',
      usage: { inputTokens: 12, outputTokens: 0 },
    });
  });

  it('cuts a huge user agent and reason', () => {
    const event = createAuditEvent(
      { action: 'ai.chat', outcome: 'success', userAgent: 'u'.repeat(10_000), reason: 'r'.repeat(10_000) },
      null,
      KEY,
      { now: NOW },
    );
    expect(event.userAgent).toBe('u'.repeat(512));
    expect(event.reason).toBe('r'.repeat(1000));
  });

  it.each<[string, Partial<AuditEventInput>]>([
    ['an action without a domain', { action: 'login' }],
    ['an action with spaces', { action: 'auth. login' }],
    ['an empty action', { action: '' }],
    ['an unknown outcome', { outcome: 'ok' as 'success' }],
    ['an unknown via', { via: 'header' as 'session' }],
  ])('rejects %s', (_name, edit) => {
    expect(() => createAuditEvent({ ...INPUT, ...edit }, null, KEY, { now: NOW })).toThrow(ValidationError);
  });

  it('rejects a bad previous head, an invalid time and an empty id', () => {
    expect(() => createAuditEvent(INPUT, { seq: 0, hash: AUDIT_GENESIS_HASH }, KEY)).toThrow(ValidationError);
    expect(() => createAuditEvent(INPUT, { seq: 1, hash: 'xyz' }, KEY)).toThrow(ValidationError);
    expect(() => createAuditEvent(INPUT, null, KEY, { now: new Date(Number.NaN) })).toThrow(ValidationError);
    expect(() =>
      createAuditEvent(INPUT, null, KEY, { now: new Date('+010000-01-01T00:00:00.000Z') }),
    ).toThrow(ValidationError);
    expect(() => createAuditEvent(INPUT, null, KEY, { id: '' })).toThrow(ValidationError);
  });

  it('refuses an audit key shorter than 32 bytes, without echoing it', () => {
    const short = new Uint8Array(16).fill(0x41);
    expect(() => createAuditEvent(INPUT, null, short)).toThrow(ConfigError);
    try {
      createAuditEvent(INPUT, null, short);
    } catch (error) {
      expect((error as Error).message).not.toContain('AAAA');
    }
  });
});
