/**
 * Throttling of failed authentication: failed sign-ins and failed key/session checks, per IP address, and
 * failed sign-ins per (DID, IP) pair. Only failures count, and the DID limit is keyed by the pair, so failures
 * from one address cannot lock a DID out everywhere: one client cannot lock out another. A blocked address
 * gets 429 with `Retry-After` until its window passes.
 */
import { RateLimitedError } from '@aigne-hub/core';
import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';
import type { Settings } from '../settings/settings';

const WINDOW_SECONDS = 15 * 60;

export class AuthThrottle {
  #limits: Settings['rateLimits'] | undefined;
  #byIp!: RateLimiterMemory;
  #byDidIp!: RateLimiterMemory;

  constructor(private readonly limits: () => Settings['rateLimits']) {}

  /** Throws RateLimitedError when `ip` (or the `did`+`ip` pair) has used up its failures. */
  async assertNotBlocked(ip: string | null, did?: string): Promise<void> {
    this.#refresh();
    const checks: Promise<RateLimiterRes | null>[] = [this.#byIp.get(ipKey(ip))];
    if (did) checks.push(this.#byDidIp.get(pairKey(did, ip)));
    const [byIp, byPair] = await Promise.all(checks);
    const waitMs = Math.max(
      blockedFor(byIp ?? null, this.#byIp.points),
      blockedFor(byPair ?? null, this.#byDidIp.points),
    );
    if (waitMs > 0) {
      throw new RateLimitedError(
        'Too many failed attempts from this address; try again later',
        Math.ceil(waitMs / 1000),
      );
    }
  }

  /** Counts one failure against `ip` and, for sign-ins, against the `did`+`ip` pair. */
  async failure(ip: string | null, did?: string): Promise<void> {
    this.#refresh();
    await Promise.all([
      this.#byIp.penalty(ipKey(ip), 1),
      did ? this.#byDidIp.penalty(pairKey(did, ip), 1) : undefined,
    ]);
  }

  /** A successful sign-in clears the pair's count (not the address's: other DIDs may be guessing from it). */
  async success(ip: string | null, did: string): Promise<void> {
    await this.#byDidIp?.delete(pairKey(did, ip));
  }

  /** Rebuilds the limiters when an admin changed the limits. Counts restart then, which is acceptable. */
  #refresh(): void {
    const current = this.limits();
    if (this.#limits === current) return;
    this.#limits = current;
    this.#byIp = new RateLimiterMemory({ points: current.failedAuthPerIp, duration: WINDOW_SECONDS });
    this.#byDidIp = new RateLimiterMemory({ points: current.failedSignInsPerDid, duration: WINDOW_SECONDS });
  }
}

function blockedFor(res: RateLimiterRes | null, points: number): number {
  return res && res.consumedPoints >= points ? res.msBeforeNext : 0;
}

const ipKey = (ip: string | null) => `ip:${ip ?? 'unknown'}`;
const pairKey = (did: string, ip: string | null) => `did:${did}|${ip ?? 'unknown'}`;
