/**
 * The fixed run of asterisks that stands for the hidden part of every masked secret. Fixed, not one asterisk
 * per hidden character, so a mask never tells how long the secret is.
 */
export const SECRET_MASK = '********';

/** Characters shown at each end of a secret long enough for the full `abcd********wxyz` form. */
const SHOWN_EACH_END = 4;

/**
 * The shortest secret shown as first four + last four: from 17 characters on, the 8 shown are fewer than the
 * (at least 9) hidden, which is what the design means by a mask that "hides most of it".
 */
export const FULL_MASK_MIN_LENGTH = 4 * SHOWN_EACH_END + 1;

const MASK_LENGTH = SECRET_MASK.length;

/**
 * Masks a secret for display. The exact rule, on Unicode code points (a surrogate pair is one character and is
 * never split):
 *
 * | length n   | shown as                                                   | part shown   |
 * |------------|------------------------------------------------------------|--------------|
 * | 0          | `''` (there is no secret, and saying so leaks nothing)     | -            |
 * | 1 to 16    | `********` + the last k characters, k = min(4, floor(n/4)) | at most 1/4  |
 * | 17 or more | first 4 + `********` + last 4                              | at most 8/17 |
 *
 * So 1-3 characters give bare `********`, 4-7 show 1, 8-11 show 2, 12-15 show 3, 16 shows 4. Below 17 the
 * first characters are never shown, because for real keys they are the provider's prefix (`sk-p`, `AIza`)
 * and would spend the visible budget on nothing. A secret is never shown in full and never more than half
 * of it; the asterisk run is always eight long, so the length of a short secret is not given away.
 *
 * The suggested rule was kept as it stood; the one change is idempotence: a value already in one of the two
 * mask shapes above is returned as it is. Without that, masking twice (a caller redacts details, then the audit
 * builder redacts them again) would turn `abcd********wxyz` into `********wxyz` and lose the part that lets an
 * admin tell two keys apart. A real secret with eight asterisks in that exact place does not occur.
 */
export function maskSecret(value: string): string {
  const chars = Array.from(value);
  const n = chars.length;
  if (n === 0 || isMaskShape(chars)) {
    return value;
  }
  if (n >= FULL_MASK_MIN_LENGTH) {
    return chars.slice(0, SHOWN_EACH_END).join('') + SECRET_MASK + chars.slice(-SHOWN_EACH_END).join('');
  }
  const shown = Math.min(SHOWN_EACH_END, Math.floor(n / 4));
  return shown === 0 ? SECRET_MASK : SECRET_MASK + chars.slice(n - shown).join('');
}

/** True when `chars` is already a `maskSecret` output: `********` + up to 4, or 4 + `********` + 4. */
function isMaskShape(chars: readonly string[]): boolean {
  const n = chars.length;
  if (n >= MASK_LENGTH && n <= MASK_LENGTH + SHOWN_EACH_END) {
    return allAsterisks(chars, 0, MASK_LENGTH);
  }
  if (n === MASK_LENGTH + 2 * SHOWN_EACH_END) {
    return allAsterisks(chars, SHOWN_EACH_END, SHOWN_EACH_END + MASK_LENGTH);
  }
  return false;
}

function allAsterisks(chars: readonly string[], from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    if (chars[i] !== '*') {
      return false;
    }
  }
  return true;
}
