import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * SHA-256 (lowercase hex) of the whole secret, `ahk_` included. Only this digest is stored; a fast unsalted hash
 * is enough because the key carries 192 random bits, so there is nothing to brute-force or precompute.
 */
export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * Compares two hex digests in constant time. `timingSafeEqual` throws on unequal lengths and a length check
 * before it would return early, so both sides are first hashed to 32 bytes: the time taken depends on the
 * input lengths only, never on where the strings differ. The comparison is exact (case-sensitive): our
 * digests are lowercase hex, so an uppercase twin is simply not equal.
 */
export function digestsEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right);
}
