/**
 * Credits. When billing is on: cost = input tokens x inputRate + output tokens x outputRate + cache-read and
 * cache-write tokens at their own rates (inputRate where none is set); images n x outputRate. Costs are
 * rounded UP to whole micro-credits once, and that stored integer is what is charged, so the sum of usage costs
 * always equals the credits charged. A user with no credits left gets 402 before any upstream call (see
 * `CreditReservations` for requests that run at the same time).
 */
import { InsufficientCreditsError } from '@aigne-hub/core';
import { MICRO_CREDITS_PER_CREDIT, type HubDatabase, type ModelRate } from '@aigne-hub/db';
import { connectionOf, prepared } from '../db/prepared';
import type { TokenUsage } from './adapters/types';

export function costMicroCredits(rate: ModelRate | null, usage: TokenUsage, images = 0): number {
  if (!rate) return 0;
  const credits =
    usage.inputTokens * rate.inputRate +
    usage.outputTokens * rate.outputRate +
    usage.cacheReadTokens * (rate.cacheReadRate ?? rate.inputRate) +
    usage.cacheWriteTokens * (rate.cacheWriteRate ?? rate.inputRate) +
    images * rate.outputRate;
  // The small epsilon keeps float noise (0.1 + 0.2) from rounding an exact cost up by one micro-credit.
  return Math.max(0, Math.ceil(credits * MICRO_CREDITS_PER_CREDIT - 1e-6));
}

/** Rough token count of a JSON-able value, erring high (about 3 characters per token). */
export function estimateTokens(value: unknown): number {
  return Math.ceil((JSON.stringify(value) ?? '').length / 3);
}

/**
 * Credits held for requests in flight. A request is admitted only while the user's balance minus what is held
 * for their other requests is above zero, and holds an estimate of its own cost until it is charged. So many
 * concurrent requests cannot all pass a check made against the same balance: the balance can go below zero only
 * by what the admitted requests cost beyond their estimates.
 */
export class CreditReservations {
  readonly #held = new Map<string, number>();

  /** Admits and holds `estimateMicro` for `did`, or throws 402. Returns the release function. */
  reserve(db: HubDatabase, did: string, estimateMicro: number): () => void {
    const row = prepared(connectionOf(db), 'SELECT credits FROM users WHERE did = ?').get(did) as
      { credits: number } | undefined;
    const held = this.#held.get(did) ?? 0;
    if (!row || row.credits - held <= 0) {
      throw new InsufficientCreditsError(
        held > 0
          ? 'Not enough credits left for another request while your others are running'
          : 'Not enough credits for this request; ask an admin to grant credits',
      );
    }
    const amount = Math.max(1, estimateMicro);
    this.#held.set(did, held + amount);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#held.get(did) ?? 0) - amount;
      if (left > 0) this.#held.set(did, left);
      else this.#held.delete(did);
    };
  }
}
