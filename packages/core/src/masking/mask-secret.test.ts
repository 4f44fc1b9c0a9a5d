import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FULL_MASK_MIN_LENGTH, SECRET_MASK, maskSecret } from './mask-secret';

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** `n` distinct-looking ASCII characters, so a test can see exactly which ones are shown. */
function secretOfLength(n: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length: n }, (_, i) => alphabet[i % alphabet.length]).join('');
}

describe('maskSecret', () => {
  it.each([
    [0, ''],
    [1, '********'],
    [3, '********'],
    [4, '********D'],
    [7, '********G'],
    [8, '********GH'],
    [9, '********HI'],
    [11, '********JK'],
    [12, '********JKL'],
    [13, '********KLM'],
    [15, '********MNO'],
    [16, '********MNOP'],
    [17, 'ABCD********NOPQ'],
    [40, 'ABCD********klmn'],
  ])('length %i -> %s', (length, expected) => {
    expect(maskSecret(secretOfLength(length))).toBe(expected);
  });

  it('masks a realistic OpenAI key as prefix and last four', () => {
    expect(maskSecret('sk-proj-Xz81mQw0eRt5yU7iO9pA2sD4fG6hJ8kL1zX3cV5bN7mQ9wE2rT4y')).toBe(
      'sk-p********rT4y',
    );
  });

  it('counts code points, so an emoji (a surrogate pair) is never split', () => {
    const emoji = '😀';
    expect(maskSecret(emoji.repeat(17))).toBe(`${emoji.repeat(4)}${SECRET_MASK}${emoji.repeat(4)}`);
    // 16 code points (32 UTF-16 units) is still the short form.
    expect(maskSecret(emoji.repeat(16))).toBe(`${SECRET_MASK}${emoji.repeat(4)}`);
    expect(maskSecret(`${emoji}abc`)).toBe(`${SECRET_MASK}c`);
    expect(maskSecret('пароль-секрет')).toBe('********рет');
  });

  it('is idempotent: a mask is not masked again', () => {
    const once = maskSecret(secretOfLength(30));
    expect(once).toBe('ABCD********abcd');
    expect(maskSecret(once)).toBe(once);
    expect(maskSecret('********AB')).toBe('********AB');
    expect(maskSecret(SECRET_MASK)).toBe(SECRET_MASK);
  });

  it('never shows more than a quarter of a short secret, nor more than 8 of a long one', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 80 }), (secret) => {
        fc.pre(!secret.includes('*'));
        const n = Array.from(secret).length;
        const masked = maskSecret(secret);
        const shown = Array.from(masked).length - SECRET_MASK.length;
        expect(masked).toContain(SECRET_MASK);
        if (n >= FULL_MASK_MIN_LENGTH) {
          expect(shown).toBe(8);
          expect(n - shown).toBeGreaterThan(shown);
        } else {
          expect(shown).toBeLessThanOrEqual(n / 4);
        }
        expect(masked).not.toBe(secret);
      }),
    );
  });

  it('never produces a lone surrogate from well-formed input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), (secret) => {
        expect(LONE_SURROGATE.test(maskSecret(secret))).toBe(false);
      }),
    );
  });
});
