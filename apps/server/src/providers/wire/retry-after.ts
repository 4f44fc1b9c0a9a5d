/**
 * How long an upstream asked us to wait before trying again. HTTP allows two forms (RFC 9110 §10.2.3): a
 * number of seconds or an HTTP date; Google states it inside the error body instead (google.rpc.RetryInfo,
 * a duration such as "37s" or "1.5s"). Either way the gateway wants whole seconds, rounded up, never negative.
 */

/** The `Retry-After` header value as seconds, or null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.max(0, Math.ceil(Number(trimmed)));
  // An HTTP date names its weekday and month; anything else (Date.parse accepts "-5") is not one.
  if (!/[a-z]{3}/i.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}

/** A protobuf JSON duration ("37s", "0.250s") as whole seconds, rounded up; null when it is not one. */
export function parseDuration(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? Math.max(0, Math.ceil(Number(match[1]))) : null;
}
