import { describe, expect, it } from 'vitest';
import { healthAfterTest } from './health';

const now = new Date('2025-01-01T00:00:00Z');

describe('healthAfterTest', () => {
  it('ok: healthy, cooldown lifted', () => {
    expect(healthAfterTest({ ok: true, latencyMs: 5, status: 200 }, now)).toEqual({
      status: 'healthy',
      statusReason: null,
      cooldownUntil: null,
    });
  });

  it('rejected: invalid with the reason and the error time', () => {
    expect(
      healthAfterTest({ ok: false, latencyMs: 5, status: 401, failure: 'rejected', error: 'bad key' }, now),
    ).toEqual({
      status: 'invalid',
      statusReason: 'Rejected by the provider (HTTP 401): bad key',
      lastErrorAt: now,
    });
  });

  it('cuts a long reason', () => {
    const patch = healthAfterTest(
      { ok: false, latencyMs: 5, status: 403, failure: 'rejected', error: 'x'.repeat(1000) },
      now,
    );
    expect(patch.statusReason).toHaveLength(300);
  });

  it.each(['timeout', 'unreachable', 'upstream_error'] as const)(
    '%s: status kept, error time set',
    (failure) => {
      expect(healthAfterTest({ ok: false, latencyMs: 5, failure, error: 'x' }, now)).toEqual({
        lastErrorAt: now,
      });
    },
  );
});
