import { describe, expect, it } from 'vitest';
import { formatCompact, formatCredits, formatDay, formatRelative, formatTime, shortDid } from './format';

describe('format', () => {
  it('shows credits to the micro-credit with grouping', () => {
    expect(formatCredits(1234.000025)).toBe('1,234.000025');
    expect(formatCredits(0.0000251)).toBe('0.000025');
    expect(formatCredits(10)).toBe('10');
  });

  it('keeps chart axes short without rounding small values to zero', () => {
    expect(formatCompact(0)).toBe('0');
    expect(formatCompact(1234)).toBe('1.2K');
    expect(formatCompact(3_400_000)).toBe('3.4M');
    expect(formatCompact(12)).toBe('12');
    expect(formatCompact(0.0000015)).toBe('0.0000015');
    expect(formatCompact(0.000006)).toBe('0.000006');
    expect(formatCompact(0.25)).toBe('0.25');
  });

  it('shows a time of day in the browser’s zone', () => {
    const iso = '2025-01-31T09:05:00Z';
    const date = new Date(iso);
    const expected = `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
    expect(formatTime(iso)).toBe(expected);
  });

  it('names UTC days', () => {
    expect(formatDay('2025-01-31')).toBe('31 Jan');
  });

  it('says how long ago or ahead something is', () => {
    const now = new Date('2025-01-31T12:00:00Z');
    expect(formatRelative('2025-01-31T11:55:00Z', now)).toBe('5 minutes ago');
    expect(formatRelative('2025-02-03T12:00:00Z', now)).toBe('in 3 days');
    expect(formatRelative('2025-01-31T11:59:58Z', now)).toBe('now');
    expect(formatRelative('2025-01-31T12:00:20Z', now)).toBe('in 20 seconds');
    expect(formatRelative('2025-01-31T11:59:15Z', now)).toBe('45 seconds ago');
    expect(formatRelative('2025-01-30T12:00:00Z', now)).toBe('yesterday');
  });

  it('shortens DIDs for display', () => {
    expect(shortDid('did:abt:z1nxZUB3qwFj7LKRXf4seMxS3YqvZHyRcWC')).toBe('z1nxZU…RcWC');
    expect(shortDid('zShort')).toBe('zShort');
  });
});
