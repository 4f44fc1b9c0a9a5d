import { randomBytes } from 'node:crypto';

const MAX_UNIX_MS = 2 ** 48 - 1;
const RANDOM_BYTES = 10;

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then the version (7), 12 random bits, the variant (10)
 * and 62 random bits. Ids therefore sort by creation time to the millisecond; within one millisecond their
 * order is random, which is fine for audit events because `seq` is the order that counts.
 *
 * `random` (10 bytes) is a parameter only so the layout can be tested against the RFC's example; production
 * code leaves it to the CSPRNG.
 */
export function uuidv7(unixMs: number = Date.now(), random: Uint8Array = randomBytes(RANDOM_BYTES)): string {
  if (!Number.isSafeInteger(unixMs) || unixMs < 0 || unixMs > MAX_UNIX_MS) {
    throw new RangeError('uuidv7: the time must be whole milliseconds between 1970 and the year 10889');
  }
  if (random.length !== RANDOM_BYTES) {
    throw new RangeError(`uuidv7: expected ${RANDOM_BYTES} random bytes`);
  }
  const bytes = new Uint8Array(16);
  let time = unixMs;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes.set(random, 6);
  bytes[6] = 0x70 | ((random[0] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((random[2] ?? 0) & 0x3f);
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
