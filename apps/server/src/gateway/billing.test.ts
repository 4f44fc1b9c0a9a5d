import { describe, expect, it } from 'vitest';
import { InsufficientCreditsError } from '@aigne-hub/core';
import type { ModelRate } from '@aigne-hub/db';
import { createTestDatabases } from '@aigne-hub/db/testing';
import { costMicroCredits, CreditReservations, estimateTokens } from './billing';

const rate = (overrides: Partial<ModelRate> = {}): ModelRate => ({
  id: 'r1',
  provider: 'openai',
  model: 'gpt-4o-mini',
  type: 'chat',
  inputRate: 0.001,
  outputRate: 0.002,
  cacheReadRate: null,
  cacheWriteRate: null,
  enabled: true,
  deprecated: false,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...overrides,
});
const usage = (input: number, output: number, cacheRead = 0, cacheWrite = 0) => ({
  inputTokens: input,
  outputTokens: output,
  cacheReadTokens: cacheRead,
  cacheWriteTokens: cacheWrite,
});

describe('costMicroCredits', () => {
  it('charges input and output tokens at their rates', () => {
    // 11 x 0.001 + 7 x 0.002 = 0.025 credits
    expect(costMicroCredits(rate(), usage(11, 7))).toBe(25_000);
  });

  it('charges cache reads and writes at their own rates, or the input rate where none is set', () => {
    expect(costMicroCredits(rate(), usage(0, 0, 100, 10))).toBe(110_000);
    expect(
      costMicroCredits(rate({ cacheReadRate: 0.0001, cacheWriteRate: 0.00125 }), usage(0, 0, 100, 10)),
    ).toBe(22_500);
  });

  it('charges images at the output rate each', () => {
    expect(costMicroCredits(rate({ outputRate: 0.5 }), usage(0, 0), 3)).toBe(1_500_000);
  });

  it('rounds up to a whole micro-credit once, without float noise adding one', () => {
    expect(costMicroCredits(rate({ inputRate: 0.0000001, outputRate: 0 }), usage(1, 0))).toBe(1);
    expect(costMicroCredits(rate({ inputRate: 0.1, outputRate: 0.2 }), usage(1, 1))).toBe(300_000);
  });

  it('costs nothing without a rate (billing off)', () => {
    expect(costMicroCredits(null, usage(1000, 1000))).toBe(0);
  });
});

describe('CreditReservations', () => {
  const did = 'did:abt:zReserve';
  function hubWith(credits: number) {
    const { hub } = createTestDatabases();
    hub.sqlite.prepare('INSERT INTO users (did, role, credits) VALUES (?, ?, ?)').run(did, 'guest', credits);
    return hub.db;
  }

  it('admits while the balance minus what is held is above zero, and frees the hold on release', () => {
    const db = hubWith(100);
    const reservations = new CreditReservations();
    const first = reservations.reserve(db, did, 60);
    const second = reservations.reserve(db, did, 60);
    expect(() => reservations.reserve(db, did, 1)).toThrow(InsufficientCreditsError);
    first();
    first(); // releasing twice frees once: 60 stays held
    const third = reservations.reserve(db, did, 50);
    expect(() => reservations.reserve(db, did, 1)).toThrow(/while your others are running/);
    second();
    third();
    expect(() => reservations.reserve(db, did, 100)).not.toThrow();
  });

  it('refuses a user without credits, and an unknown user, before anything is held', () => {
    const db = hubWith(0);
    const reservations = new CreditReservations();
    expect(() => reservations.reserve(db, did, 1)).toThrow(/ask an admin to grant credits/);
    expect(() => reservations.reserve(db, 'did:abt:zNobody', 1)).toThrow(InsufficientCreditsError);
  });
});

describe('estimateTokens', () => {
  it('estimates about one token per three characters of the request', () => {
    expect(estimateTokens({ content: 'x'.repeat(300) })).toBe(Math.ceil(315 / 3));
  });
});
