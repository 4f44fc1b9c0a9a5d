import { RateLimitedError } from '@aigne-hub/core';

const WINDOW_MS = 60_000;

/**
 * Requests per minute per API key (or per user for browser sessions): a fixed one-minute window per caller,
 * kept in memory. A limit of 0 means unlimited. Over the limit: 429 with the seconds until the window ends.
 */
export class RequestLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();

  consume(key: string, limitPerMinute: number, nowMs: number): void {
    if (limitPerMinute <= 0) return;
    let window = this.#windows.get(key);
    if (!window || nowMs - window.start >= WINDOW_MS) {
      window = { start: nowMs, count: 0 };
      this.#windows.set(key, window);
      if (this.#windows.size > 100_000) this.#sweep(nowMs);
    }
    if (window.count >= limitPerMinute) {
      const retryAfter = Math.max(1, Math.ceil((window.start + WINDOW_MS - nowMs) / 1000));
      throw new RateLimitedError(
        `Rate limit of ${limitPerMinute} requests per minute reached; retry in ${retryAfter} s`,
        retryAfter,
      );
    }
    window.count += 1;
  }

  /** Forgets finished windows, so that many one-off callers cannot grow the map without bound. */
  #sweep(nowMs: number): void {
    for (const [key, window] of this.#windows)
      if (nowMs - window.start >= WINDOW_MS) this.#windows.delete(key);
  }
}
