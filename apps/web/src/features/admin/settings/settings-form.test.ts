import { describe, expect, it } from 'vitest';
import type { HubSettings } from '../../../lib/api-types';
import { formOf, patchOf } from './settings-form';

const current: HubSettings = {
  billing: { enabled: false },
  credits: { newUserCredits: 0 },
  sessions: { idleTimeoutMinutes: 720, absoluteTimeoutHours: 168 },
  rateLimits: { apiKeyRequestsPerMinute: 600, failedAuthPerIp: 30, failedSignInsPerDid: 10 },
  audit: { retentionDays: 0 },
  gateway: { upstreamTimeoutMs: 120_000 },
  healthProbe: { enabled: true, paidProviders: false, intervalMinutes: 15 },
};

describe('settings form', () => {
  it('holds every setting, switches as booleans and numbers as text', () => {
    expect(formOf(current)).toEqual({
      switches: { 'billing.enabled': false, 'healthProbe.enabled': true, 'healthProbe.paidProviders': false },
      numbers: {
        'credits.newUserCredits': '0',
        'sessions.idleTimeoutMinutes': '720',
        'sessions.absoluteTimeoutHours': '168',
        'rateLimits.apiKeyRequestsPerMinute': '600',
        'rateLimits.failedAuthPerIp': '30',
        'rateLimits.failedSignInsPerDid': '10',
        'gateway.upstreamTimeoutMs': '120000',
        'audit.retentionDays': '0',
        'healthProbe.intervalMinutes': '15',
      },
    });
  });

  it('round-trips the current settings into an empty patch', () => {
    expect(patchOf(current, formOf(current))).toEqual({ ok: true, data: {} });
  });

  it('sends only what changed', () => {
    const form = formOf(current);
    form.switches['billing.enabled'] = true;
    form.switches['healthProbe.paidProviders'] = true;
    form.numbers['credits.newUserCredits'] = '25.5';
    form.numbers['sessions.idleTimeoutMinutes'] = ' 30 ';
    form.numbers['healthProbe.intervalMinutes'] = '60';
    expect(patchOf(current, form)).toEqual({
      ok: true,
      data: {
        billing: { enabled: true },
        credits: { newUserCredits: 25.5 },
        sessions: { idleTimeoutMinutes: 30 },
        healthProbe: { paidProviders: true, intervalMinutes: 60 },
      },
    });
  });

  it('refuses out-of-range, fractional and emptied values by field', () => {
    const form = formOf(current);
    form.numbers['sessions.idleTimeoutMinutes'] = '4';
    form.numbers['gateway.upstreamTimeoutMs'] = '1500.5';
    form.numbers['audit.retentionDays'] = '';
    form.numbers['healthProbe.intervalMinutes'] = '1441';
    const result = patchOf(current, form);
    expect(result).toEqual({
      ok: false,
      errors: {
        'sessions.idleTimeoutMinutes': 'Too small: expected number to be >=5',
        'gateway.upstreamTimeoutMs': 'Invalid input: expected int, received number',
        'audit.retentionDays': 'Invalid input: expected number, received NaN',
        'healthProbe.intervalMinutes': 'Too big: expected number to be <=1440',
      },
    });
  });
});
