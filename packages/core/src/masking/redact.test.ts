import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redact } from './redact';

const OPENAI_KEY = 'sk-proj-Q1w2E3r4T5y6U7i8O9p0AsDfGhJkLzXcVbNm';

describe('redact: secrets under secret-looking keys', () => {
  it('masks values by key name, in any spelling, and keeps usage numbers readable', () => {
    expect(
      redact({
        api_key: 'plain-looking-value-1234',
        apiKey: 'another-plain-value-5678',
        'X-Api-Key': 'abc',
        password: 'hunter2',
        refresh_token: 'r1',
        headers: { Authorization: 'Basic dXNlcjpwYXNz', Cookie: 'sid=1', 'content-type': 'application/json' },
        usage: { tokens: 1200, inputTokens: 1000, maxTokens: 4096, token_count: 7, total_tokens: 1200 },
        token_type: 'Bearer',
        hasPassword: true,
      }),
    ).toEqual({
      api_key: 'plai********1234',
      apiKey: 'anot********5678',
      'X-Api-Key': '********',
      password: '********2',
      refresh_token: '********',
      headers: { Authorization: 'Basi********YXNz', Cookie: '********1', 'content-type': 'application/json' },
      usage: { tokens: 1200, inputTokens: 1000, maxTokens: 4096, token_count: 7, total_tokens: 1200 },
      token_type: 'Bearer',
      hasPassword: true,
    });
  });

  it('masks every string and number inside a secret container, keeps booleans and null', () => {
    expect(
      redact({
        credentials: { access_key_id: 'AKIAIOSFODNN7EXAMPLE', pin: 12345678, enabled: true, note: null },
        secrets: ['one-secret-value', 'two'],
      }),
    ).toEqual({
      credentials: { access_key_id: 'AKIA********MPLE', pin: '********78', enabled: true, note: null },
      secrets: ['********alue', '********'],
    });
  });

  it('scrubs keys inside free text anywhere, including Error messages, and drops stacks', () => {
    const error = new Error(`Incorrect API key provided: ${OPENAI_KEY}`);
    expect(redact({ upstream: { body: `{"error":"bad key ${OPENAI_KEY}"}` }, error })).toEqual({
      upstream: { body: '{"error":"bad key sk-p********VbNm"}' },
      error: { name: 'Error', message: 'Incorrect API key provided: sk-p********VbNm' },
    });
  });
});

describe('redact: JSON-safe shapes', () => {
  it('converts non-JSON values', () => {
    class Money {
      constructor(private readonly cents: number) {}
      toJSON(): string {
        return (this.cents / 100).toFixed(2);
      }
    }
    const out = redact({
      date: new Date(Date.UTC(2025, 0, 31, 12)),
      badDate: new Date(Number.NaN),
      buffer: Buffer.from('super secret bytes'),
      bytes: new Uint8Array(32),
      arrayBuffer: new ArrayBuffer(4),
      big: 12345678901234567890n,
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      negZero: -0,
      map: new Map<unknown, unknown>([
        ['token', 'abcdefgh'],
        [1, 'one'],
      ]),
      set: new Set([1, 'two']),
      url: new URL('https://user:pw-1234@example.com/path?api_key=abc123'),
      fn: function namedFn() {},
      sym: Symbol('tag'),
      money: new Money(1234),
      missing: undefined,
      list: [undefined, 1],
    });
    expect(out).toEqual({
      date: '2025-01-31T12:00:00.000Z',
      badDate: 'Invalid Date',
      buffer: '[Buffer: 18 bytes]',
      bytes: '[Uint8Array: 32 bytes]',
      arrayBuffer: '[ArrayBuffer: 4 bytes]',
      big: '12345678901234567890',
      nan: 'NaN',
      inf: 'Infinity',
      negZero: 0,
      map: { token: '********gh', '1': 'one' },
      set: [1, 'two'],
      url: 'https://user:********4@example.com/path?api_key=********3',
      fn: '[Function namedFn]',
      sym: 'Symbol(tag)',
      money: '12.34',
      list: [null, 1],
    });
    expect(Object.is((out as { negZero: number }).negZero, 0)).toBe(true);
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });

  it('replaces cycles, keeps shared references, and stops at the depth limit', () => {
    const shared = { a: 1 };
    const cyclic: Record<string, unknown> = { shared, again: shared };
    cyclic.self = cyclic;
    expect(redact(cyclic)).toEqual({ shared: { a: 1 }, again: { a: 1 }, self: '[Circular]' });

    const deep = { l1: { l2: { l3: { l4: 'x' } } } };
    expect(redact(deep, { maxDepth: 2 })).toEqual({ l1: { l2: '[Max depth]' } });
  });

  it('cuts long strings and long containers, with a note, within the limits', () => {
    const long = 'x'.repeat(5000);
    const cut = redact(long, { maxStringLength: 100 }) as string;
    expect(cut.length).toBeLessThanOrEqual(100);
    expect(cut).toBe(`${'x'.repeat(86)}…[+4914 chars]`);
    expect(redact([1, 2, 3, 4, 5], { maxEntries: 3 })).toEqual([1, 2, '[+3 more items]']);
    expect(redact({ a: 1, b: 2, c: 3 }, { maxEntries: 2 })).toEqual({
      a: 1,
      '[truncated]': '[+2 more keys]',
    });
  });

  it('scrubs before cutting, so a key at the cut is still masked', () => {
    const text = `${'x'.repeat(90)} ${OPENAI_KEY}`;
    const out = redact(text, { maxStringLength: 100 }) as string;
    expect(out).not.toContain('Q1w2');
    expect(out.startsWith('x'.repeat(84))).toBe(true);
  });

  it('never splits a surrogate pair when cutting', () => {
    const out = redact('😀'.repeat(100), { maxStringLength: 50 }) as string;
    expect(out).toMatch(/^(?:\ud83d\ude00)+…\[\+\d+ chars\]$/);
  });

  it('reads around throwing getters and keeps __proto__ as data', () => {
    const hostile = JSON.parse('{"__proto__":{"polluted":true},"ok":1}') as Record<string, unknown>;
    Object.defineProperty(hostile, 'boom', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    const out = redact(hostile) as Record<string, unknown>;
    expect(out.ok).toBe(1);
    expect(out.boom).toBe('[Unreadable]');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(out, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('is idempotent and always JSON-safe (property)', () => {
    fc.assert(
      fc.property(
        fc.anything({ withDate: true, withMap: true, withSet: true, withBigInt: true, withTypedArray: true }),
        (value) => {
          const once = redact(value);
          expect(JSON.parse(JSON.stringify(once))).toEqual(once);
          expect(redact(once)).toEqual(once);
        },
      ),
    );
  });
});
