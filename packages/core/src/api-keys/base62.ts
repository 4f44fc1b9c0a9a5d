/**
 * Base62 with the digits-then-uppercase-then-lowercase alphabet. Chosen for API keys because every character
 * survives a double-click selection, a URL, a shell and a JSON string without escaping.
 */
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const BASE = 62n;

/**
 * `value` in base62, left-padded with `0` to exactly `width` characters. A fixed width keeps the encoding
 * canonical (one string per value) and every key the same length. Throws `RangeError` when the value does not
 * fit: silently widening would produce a key that its own parser rejects.
 */
export function encodeBase62(value: bigint, width: number): string {
  if (value < 0n) throw new RangeError('encodeBase62: negative value');
  let rest = value;
  let digits = '';
  while (rest > 0n) {
    digits = BASE62_ALPHABET.charAt(Number(rest % BASE)) + digits;
    rest /= BASE;
  }
  if (digits.length > width) throw new RangeError(`encodeBase62: value needs more than ${width} digits`);
  return digits.padStart(width, '0');
}

/** The big-endian unsigned integer held in `bytes`. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}
