import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import { canonicalAuditEvent, canonicalJson, isIsoUtcMillis } from './canonical';
import { chain } from './chain';
import { AUDIT_GENESIS_HASH, type UnsignedAuditEvent } from './types';

/** Key bytes 0x00..0x1f. */
const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);

const EVENT: UnsignedAuditEvent = {
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
  // Deliberately not in sorted order.
  details: {
    provider: 'openai',
    weights: [1, 2.5, -3, 1e21],
    nested: { z: true, a: null },
    é: 'ü',
    api_key: 'sk-a********wxyz',
  },
  prevHash: AUDIT_GENESIS_HASH,
};

/**
 * Written out by hand from the format description, and the HMACs computed independently with Python's
 * `hmac.new(bytes(range(32)), (prev_hash + canonical).encode('utf-8'), hashlib.sha256).hexdigest()`.
 */
const EVENT_CANONICAL =
  '["aigne-hub/audit/v1",1,"0194c0a4-9a00-7000-8000-000000000000","2025-01-31T12:00:00.000Z","did:abt:z1owner",' +
  '"owner","session","203.0.113.7","Mozilla/5.0 \\"test\\"","req-1","credentials.create","credential","cred_1",' +
  '"success","line1\\nline2\\u0007",{"api_key":"sk-a********wxyz","nested":{"a":null,"z":true},"provider":"openai",' +
  '"weights":[1,2.5,-3,1e+21],"é":"ü"},"0000000000000000000000000000000000000000000000000000000000000000"]';
const EVENT_HASH = '882c27821ee4b8f5ebd594b81f1e94eee582a041efd9a949b27a03f8fe78e9c5';

const SECOND: UnsignedAuditEvent = {
  seq: 2,
  id: '0194c0a4-9a01-7000-8000-000000000001',
  ts: '2025-01-31T12:00:00.001Z',
  actorDid: null,
  actorRole: null,
  via: null,
  ip: null,
  userAgent: null,
  requestId: null,
  action: 'auth.login',
  targetType: 'user',
  targetId: null,
  outcome: 'denied',
  reason: null,
  details: null,
  prevHash: EVENT_HASH,
};
const SECOND_CANONICAL =
  '["aigne-hub/audit/v1",2,"0194c0a4-9a01-7000-8000-000000000001","2025-01-31T12:00:00.001Z",null,null,null,null,' +
  `null,null,"auth.login","user",null,"denied",null,null,"${EVENT_HASH}"]`;
const SECOND_HASH = 'edda658b15ac822d70336835fcc681c619ffab25a553d1f8d126612ea16deb8f';

describe('canonicalAuditEvent and chain (known vectors)', () => {
  it('writes the exact canonical bytes', () => {
    expect(canonicalAuditEvent(EVENT)).toBe(EVENT_CANONICAL);
    expect(canonicalAuditEvent(SECOND)).toBe(SECOND_CANONICAL);
  });

  it('computes the exact HMAC-SHA256 chain', () => {
    expect(chain(AUDIT_GENESIS_HASH, EVENT, KEY)).toBe(EVENT_HASH);
    expect(chain(EVENT_HASH, SECOND, KEY)).toBe(SECOND_HASH);
  });

  it('ignores a hash field and any extra property', () => {
    const withExtras = { ...EVENT, hash: 'f'.repeat(64), extra: 'x' } as UnsignedAuditEvent;
    expect(canonicalAuditEvent(withExtras)).toBe(EVENT_CANONICAL);
  });

  it('changes with every field', () => {
    const edits: Array<Partial<UnsignedAuditEvent>> = [
      { seq: 3 },
      { id: 'other' },
      { ts: '2025-01-31T12:00:00.001Z' },
      { actorDid: null },
      { actorRole: 'admin' },
      { via: 'apiKey' },
      { ip: '203.0.113.8' },
      { userAgent: 'curl' },
      { requestId: 'req-2' },
      { action: 'credentials.delete' },
      { targetType: null },
      { targetId: 'cred_2' },
      { outcome: 'error' },
      { reason: null },
      { details: { ...EVENT.details, provider: 'anthropic' } },
      { prevHash: 'a'.repeat(64) },
    ];
    const hashes = new Set(edits.map((edit) => chain(AUDIT_GENESIS_HASH, { ...EVENT, ...edit }, KEY)));
    expect(hashes.size).toBe(edits.length);
    expect(hashes.has(EVENT_HASH)).toBe(false);
  });

  it('distinguishes null from the string "null" and an empty string', () => {
    const a = canonicalAuditEvent({ ...SECOND, actorDid: null });
    const b = canonicalAuditEvent({ ...SECOND, actorDid: 'null' });
    const c = canonicalAuditEvent({ ...SECOND, actorDid: '' });
    expect(new Set([a, b, c]).size).toBe(3);
  });

  it('depends on the key', () => {
    expect(chain(AUDIT_GENESIS_HASH, EVENT, new Uint8Array(32))).not.toBe(EVENT_HASH);
  });
});

describe('canonicalAuditEvent rejects what it cannot write exactly', () => {
  it.each<[string, Partial<UnsignedAuditEvent>]>([
    ['seq 0', { seq: 0 }],
    ['fractional seq', { seq: 1.5 }],
    ['ts without milliseconds', { ts: '2025-01-31T12:00:00Z' }],
    ['ts with an offset', { ts: '2025-01-31T12:00:00.000+01:00' }],
    ['a date that does not exist', { ts: '2025-02-29T12:00:00.000Z' }],
    ['upper-case prevHash', { prevHash: 'A'.repeat(64) }],
    ['short prevHash', { prevHash: '0'.repeat(63) }],
    ['NaN in details', { details: { x: Number.NaN } }],
    ['Infinity in details', { details: { x: [Number.POSITIVE_INFINITY] } }],
    ['undefined in details', { details: { x: undefined } as unknown as Record<string, null> }],
    ['a Date in details', { details: { x: new Date() } as unknown as Record<string, null> }],
    ['an array as details', { details: [1] as unknown as Record<string, null> }],
    ['a number as actorDid', { actorDid: 5 as unknown as string }],
  ])('%s', (_name, edit) => {
    expect(() => canonicalAuditEvent({ ...EVENT, ...edit })).toThrow(ValidationError);
  });

  it('rejects cyclic details', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(ValidationError);
  });
});

describe('isIsoUtcMillis', () => {
  it.each([
    ['2025-01-31T12:00:00.000Z', true],
    ['2024-02-29T23:59:59.999Z', true],
    ['2000-02-29T00:00:00.000Z', true],
    ['1900-02-29T00:00:00.000Z', false],
    ['2025-04-31T00:00:00.000Z', false],
    ['2025-13-01T00:00:00.000Z', false],
    ['2025-01-31T24:00:00.000Z', false],
    ['2025-01-31T12:60:00.000Z', false],
    ['2025-01-31 12:00:00.000Z', false],
    ['2025-01-31T12:00:00.000z', false],
    ['+012025-01-31T12:00:00.000Z', false],
  ])('%s -> %s', (ts, expected) => {
    expect(isIsoUtcMillis(ts)).toBe(expected);
  });

  it('agrees with Date for every instant it accepts (property)', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0000-01-01T00:00:00.000Z'),
          max: new Date('9999-12-31T23:59:59.999Z'),
          noInvalidDate: true,
        }),
        (date) => {
          expect(isIsoUtcMillis(date.toISOString())).toBe(true);
        },
      ),
    );
  });
});

/** An independent, deliberately simple reference: sort keys by code units, write with JSON.stringify. */
function reference(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(reference).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units, integer-like keys included', () => {
    expect(canonicalJson({ b: 1, a: 2, '10': 3, '9': 4, B: 5, é: 6, '😀': 7, ﬀ: 8 })).toBe(
      '{"10":3,"9":4,"B":5,"a":2,"b":1,"é":6,"😀":7,"ﬀ":8}',
    );
  });

  it('writes -0 as 0', () => {
    expect(canonicalJson({ x: -0 })).toBe('{"x":0}');
  });

  it('matches a reference writer and survives a parse round trip (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ noUnicodeString: false }), (value) => {
        const text = canonicalJson(value);
        expect(text).toBe(reference(value));
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });
});
