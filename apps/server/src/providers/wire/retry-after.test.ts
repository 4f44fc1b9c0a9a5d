import { describe, expect, it } from 'vitest';
import { parseDuration, parseRetryAfter } from './retry-after';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads seconds, rounding up', () => {
    expect(parseRetryAfter('30', now)).toBe(30);
    expect(parseRetryAfter(' 1.2 ', now)).toBe(2);
    expect(parseRetryAfter('0', now)).toBe(0);
  });
  it('reads an HTTP date as the seconds until then, never negative', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:05 GMT', now)).toBe(65);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });
  it('gives null for nothing or nonsense', () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
  });
});

describe('parseDuration (google.rpc.RetryInfo)', () => {
  it('reads protobuf JSON durations as whole seconds, rounding up', () => {
    expect(parseDuration('37s')).toBe(37);
    expect(parseDuration('0.250s')).toBe(1);
    expect(parseDuration('12')).toBeNull();
    expect(parseDuration(12)).toBeNull();
  });
});
