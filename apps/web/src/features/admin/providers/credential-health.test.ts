import { describe, expect, it } from 'vitest';
import { describeHealth, healthSummary } from './credential-health';

const now = new Date('2025-06-01T12:00:00Z');
const base = {
  status: 'healthy' as const,
  statusReason: null,
  cooldownUntil: null,
  lastErrorAt: null,
  lastUsedAt: '2025-06-01T11:00:00Z',
  valueError: null,
};

describe('describeHealth', () => {
  it('says nothing more about a healthy key whose last call worked', () => {
    expect(describeHealth(base, now)).toEqual({ label: 'Healthy', color: 'success', detail: null });
    expect(describeHealth({ ...base, lastErrorAt: '2025-06-01T10:00:00Z' }, now).detail).toBeNull();
  });

  it('mentions a transient failure of the last call of a healthy key', () => {
    expect(describeHealth({ ...base, lastErrorAt: '2025-06-01T11:55:00Z' }, now)).toEqual({
      label: 'Healthy',
      color: 'success',
      detail:
        'Its last call failed 5 minutes ago, with a provider or network error (the key was not refused).',
    });
  });

  it('says when a cooling key is used again, and when its cooldown is over', () => {
    const cooling = {
      ...base,
      status: 'cooling' as const,
      statusReason: 'Rate limited by the provider (HTTP 429)',
      cooldownUntil: '2025-06-01T12:02:00Z',
    };
    expect(describeHealth(cooling, now)).toEqual({
      label: 'Cooling down',
      color: 'warning',
      detail:
        'Rate limited by the provider (HTTP 429). Used again in 2 minutes; other credentials take its calls meanwhile.',
    });
    expect(describeHealth({ ...cooling, cooldownUntil: '2025-06-01T11:59:00Z' }, now)).toEqual({
      label: 'Cooled down',
      color: 'info',
      detail: 'Rate limited by the provider (HTTP 429). The cooldown is over: the next call tries it again.',
    });
  });

  it('explains an invalid key with the provider’s reason, or without one', () => {
    const invalid = {
      ...base,
      status: 'invalid' as const,
      statusReason: 'Rejected by the provider (HTTP 401): Incorrect API key provided.',
    };
    expect(describeHealth(invalid, now)).toEqual({
      label: 'Invalid',
      color: 'error',
      detail:
        'Rejected by the provider (HTTP 401): Incorrect API key provided. Not used until a new key is entered or a test passes.',
    });
    expect(describeHealth({ ...invalid, statusReason: null }, now).detail).toBe(
      'The provider refused this key. Not used until a new key is entered or a test passes.',
    );
  });

  it('puts a stored secret that cannot be decrypted first', () => {
    expect(
      describeHealth(
        {
          ...base,
          status: 'invalid',
          valueError: 'The secret cannot be decrypted with the configured keys (wrong key); enter it again',
        },
        now,
      ),
    ).toEqual({
      label: 'Unreadable',
      color: 'error',
      detail: 'The secret cannot be decrypted with the configured keys (wrong key); enter it again.',
    });
  });
});

describe('healthSummary', () => {
  it('counts credentials by state, disabled ones apart', () => {
    expect(healthSummary([], now)).toBe('No credentials');
    expect(healthSummary([{ ...base, enabled: true }], now)).toBe('1 credential: 1 healthy');
    expect(
      healthSummary(
        [
          { ...base, enabled: true },
          { ...base, enabled: true, status: 'invalid' },
          { ...base, enabled: false, status: 'invalid' },
          { ...base, enabled: true },
        ],
        now,
      ),
    ).toBe('4 credentials: 2 healthy, 1 invalid, 1 disabled');
  });
});
