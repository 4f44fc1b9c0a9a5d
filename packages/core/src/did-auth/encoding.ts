/**
 * Byte strings (public keys, signatures) as our API accepts them.
 *
 * Canonical form, the one we emit: lowercase hex with a `0x` prefix, which is what `@ocap/wallet` produces by
 * default for `wallet.publicKey` and `wallet.sign()`. Also accepted, because wallets produce them naturally:
 * hex without `0x` or in upper case, and multibase base58btc (`z` + base58, the library's `'base58'` output and
 * the form DID Wallet uses for public keys). The forms cannot be confused: `z` is not a hex digit.
 *
 * Not accepted: base64/base64url. A base64url string can consist of hex digits only, or start with `z` and use
 * only base58 characters, so accepting it would make decoding ambiguous.
 *
 * We decode ourselves instead of handing strings to `@ocap/util`'s `toUint8Array`, which guesses: a string that
 * is neither `0x`-hex nor valid base58btc is silently taken as UTF-8 text.
 */

const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const HEX = /^(?:0x)?((?:[0-9a-fA-F]{2})+)$/;
const MULTIBASE_BASE58 = /^z([1-9A-HJ-NP-Za-km-z]+)$/;
/** Far above any key or signature we accept; stops a huge string before any BigInt work. */
const MAX_ENCODED_LENGTH = 512;

/** Decodes Bitcoin-alphabet base58: each leading `1` is a zero byte, the rest a big-endian number. */
export function decodeBase58(text: string): Uint8Array | null {
  let value = 0n;
  for (const char of text) {
    const digit = BASE58_ALPHABET.indexOf(char);
    if (digit < 0) return null;
    value = value * 58n + BigInt(digit);
  }
  const bytes: number[] = [];
  while (value > 0n) {
    bytes.push(Number(value & 0xffn));
    value >>= 8n;
  }
  let leadingZeros = 0;
  while (text[leadingZeros] === '1') leadingZeros += 1;
  return Uint8Array.from([...new Array<number>(leadingZeros).fill(0), ...bytes.reverse()]);
}

/** The bytes of a hex or multibase-base58btc string, or null when it is neither (or empty). */
export function decodeBinary(text: string): Uint8Array | null {
  if (text.length === 0 || text.length > MAX_ENCODED_LENGTH) return null;
  const hex = HEX.exec(text)?.[1];
  if (hex !== undefined) return Uint8Array.from(Buffer.from(hex, 'hex'));
  const base58 = MULTIBASE_BASE58.exec(text)?.[1];
  if (base58 !== undefined) return decodeBase58(base58);
  return null;
}

/** The canonical form: `0x` + lowercase hex. */
export function toCanonicalHex(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes).toString('hex')}`;
}
