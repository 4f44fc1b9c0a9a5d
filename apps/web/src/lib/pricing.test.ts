import { describe, expect, it } from 'vitest';
import { perMillionTokens, perToken, replyCredits } from './pricing';

const rate = { inputRate: 0.000001, outputRate: 0.000002, cacheReadRate: null, cacheWriteRate: null };

describe('replyCredits', () => {
  it('charges input and output tokens at their rates', () => {
    expect(replyCredits(rate, { promptTokens: 11, completionTokens: 7, cachedTokens: 0 })).toBe(0.000025);
  });

  it('charges cached prompt tokens at the cache rate, or the input rate without one', () => {
    const usage = { promptTokens: 11, completionTokens: 7, cachedTokens: 2 };
    expect(replyCredits({ ...rate, cacheReadRate: 0.0000005 }, usage)).toBe(0.000024);
    expect(replyCredits(rate, usage)).toBe(0.000025);
  });

  it('rounds up to whole micro-credits once, without rounding exact costs up', () => {
    const tiny = { ...rate, inputRate: 0.0000001, outputRate: 0 };
    expect(replyCredits(tiny, { promptTokens: 3, completionTokens: 0, cachedTokens: 0 })).toBe(0.000001);
    const exact = { ...rate, inputRate: 0.1, outputRate: 0.2 };
    expect(replyCredits(exact, { promptTokens: 1, completionTokens: 1, cachedTokens: 0 })).toBe(0.3);
    expect(replyCredits(rate, { promptTokens: 0, completionTokens: 0, cachedTokens: 0 })).toBe(0);
  });
});

describe('per million tokens', () => {
  it('converts both ways without binary noise', () => {
    expect(perMillionTokens(0.0000025)).toBe(2.5);
    expect(perMillionTokens(0.0000003)).toBe(0.3);
    expect(perToken(0.3)).toBe(0.0000003);
    expect(perToken(15)).toBe(0.000015);
    expect(perToken(perMillionTokens(0.000000123))).toBe(0.000000123);
  });
});
