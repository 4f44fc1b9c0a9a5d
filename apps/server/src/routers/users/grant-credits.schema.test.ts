import { describe, expect, it } from 'vitest';
import { grantCreditsInput, isWholeMicroCredits } from './grant-credits.schema';

describe('isWholeMicroCredits', () => {
  it('accepts amounts written with at most six decimals, however floats round them', () => {
    for (const value of [1, -1, 0.1, 0.3, 2.000001, -2.000001, 0.000001, 123_456_789.123456, 1e9]) {
      expect(isWholeMicroCredits(value), String(value)).toBe(true);
    }
  });

  it('refuses a seventh decimal', () => {
    for (const value of [0.0000001, 1.0000005, 0.1234567, -3.1415926]) {
      expect(isWholeMicroCredits(value), String(value)).toBe(false);
    }
  });
});

describe('grantCreditsInput', () => {
  it('normalizes a bare address and trims the reason', () => {
    expect(grantCreditsInput.parse({ did: 'z1abc', amount: -0.5, reason: ' refund ' })).toEqual({
      did: 'did:abt:z1abc',
      amount: -0.5,
      reason: 'refund',
    });
  });

  it('names what is wrong with a bad amount', () => {
    const issues = (amount: number) =>
      grantCreditsInput
        .safeParse({ did: 'did:abt:z1', amount, reason: 'x' })
        .error?.issues.map((i) => i.message);
    expect(issues(0)).toEqual(['amount must not be zero']);
    expect(issues(1e9 + 1)).toEqual(['amount is at most 1000000000 credits']);
    expect(issues(0.0000001)).toEqual(['amount has at most 6 decimals']);
  });
});
