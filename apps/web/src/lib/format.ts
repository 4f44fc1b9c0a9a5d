/**
 * How numbers, times and DIDs read on every page. The app's words are English, so numbers use English grouping;
 * times are shown in the browser's time zone with the ISO time in a tooltip where exactness matters.
 */
const credits = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const timeOnly = new Intl.DateTimeFormat('en-GB', { timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** Credits to the micro-credit (six decimals), with grouping: `1,234.000025`. */
export function formatCredits(value: number): string {
  return credits.format(value);
}

export function formatInteger(value: number): string {
  return integer.format(value);
}

const small = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 2 });

/**
 * Short form for chart axes: `1.2K`, `3.4M` for large values, and two significant digits below 1 (credits of
 * a few chat replies are millionths: `0.0000015`, never a row of zeros).
 */
export function formatCompact(value: number): string {
  return Math.abs(value) < 1 && value !== 0 ? small.format(value) : compact.format(value);
}

export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

/** `14:05`, in the browser's time zone: for times of today (a QR code's expiry). */
export function formatTime(iso: string): string {
  return timeOnly.format(new Date(iso));
}

/** A UTC day (`2025-01-31`, as usage reports name days) as `31 Jan`. */
export function formatDay(day: string): string {
  return dateOnly.format(new Date(`${day}T00:00:00Z`));
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** `5 minutes ago`, `in 3 days`, `in 20 seconds` (a cooldown), `now` (within ten seconds). */
export function formatRelative(iso: string, now: Date = new Date()): string {
  const seconds = Math.round((new Date(iso).getTime() - now.getTime()) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.trunc(seconds / size), unit);
  }
  return Math.abs(seconds) >= 10 ? relative.format(seconds, 'second') : relative.format(0, 'second');
}

/** `did:abt:z1AbC...xYz9` -> `z1AbC…xYz9`: enough to tell DIDs apart on screen; the full DID goes in a tooltip. */
export function shortDid(did: string): string {
  const address = did.startsWith('did:abt:') ? did.slice('did:abt:'.length) : did;
  return address.length > 14 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}
