/**
 * Model rates are stored as credits per token (tiny numbers such as 0.0000025); people read and enter prices per
 * million tokens, as providers publish them. And what a reply costs, by the hub's own formula.
 */
import type { ChatUsage } from './gateway';

const MICRO_CREDITS_PER_CREDIT = 1_000_000;
const TOKENS_PER_MILLION = 1_000_000;

/** Twelve significant digits are far beyond any rate's precision and hide binary noise (0.30000000000000004). */
const clean = (value: number): number => Number(value.toPrecision(12));

export function perMillionTokens(ratePerToken: number): number {
  return clean(ratePerToken * TOKENS_PER_MILLION);
}

export function perToken(ratePerMillion: number): number {
  return clean(ratePerMillion / TOKENS_PER_MILLION);
}

export interface RatePrices {
  inputRate: number;
  outputRate: number;
  cacheReadRate: number | null;
  cacheWriteRate: number | null;
}

/**
 * The credits a chat reply costs at `rate`, computed as the hub charges it (apps/server gateway/billing.ts
 * `costMicroCredits`): uncached input, output and cached input tokens at their rates (cached at the input rate
 * when the model has no cache rate), rounded up once to whole micro-credits. The hub charges this when billing is
 * on; OpenAI's usage counts cached tokens inside the prompt tokens, so they are taken out of the input first.
 */
export function replyCredits(rate: RatePrices, usage: ChatUsage): number {
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const credits =
    (usage.promptTokens - cached) * rate.inputRate +
    usage.completionTokens * rate.outputRate +
    cached * (rate.cacheReadRate ?? rate.inputRate);
  return Math.max(0, Math.ceil(credits * MICRO_CREDITS_PER_CREDIT - 1e-6)) / MICRO_CREDITS_PER_CREDIT;
}
