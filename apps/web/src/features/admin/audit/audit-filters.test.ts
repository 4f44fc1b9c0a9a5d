import { describe, expect, it } from 'vitest';
import { NO_FILTERS, toAuditFilters } from './audit-filters';

describe('toAuditFilters', () => {
  it('leaves out empty fields', () => {
    expect(toAuditFilters(NO_FILTERS)).toEqual({ ok: true, data: {} });
  });

  it('trims text and turns local times into UTC', () => {
    const from = '2025-01-31T10:00';
    const result = toAuditFilters({ ...NO_FILTERS, actionPrefix: ' providers. ', outcome: 'denied', from });
    expect(result).toEqual({
      ok: true,
      data: { actionPrefix: 'providers.', outcome: 'denied', from: new Date(from).toISOString() },
    });
  });

  it('names the field the hub would refuse', () => {
    expect(toAuditFilters({ ...NO_FILTERS, actionPrefix: 'providers %' })).toEqual({
      ok: false,
      errors: { actionPrefix: 'an action prefix holds only letters, digits, ".", "_" and "-"' },
    });
    expect(toAuditFilters({ ...NO_FILTERS, from: '2025-02-01T00:00', to: '2025-01-01T00:00' })).toEqual({
      ok: false,
      errors: { to: '`from` must be before `to`' },
    });
  });
});
