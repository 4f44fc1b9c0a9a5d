import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { bytesToBigInt, encodeBase62 } from './base62';
import { hashApiKey } from './digest';

/**
 * Hub API keys: `ahk_<body><checksum>`.
 *
 * - `body`: 192 random bits as 33 base62 characters, left-padded, so every key has the same length.
 * - `checksum`: CRC32 of the body's characters as 6 base62 characters, left-padded. It is not a security
 *   measure (anyone can compute it): it lets the server reject typos and random junk before any database
 *   lookup, and lets secret scanners tell a real key from a look-alike. CRC32 catches every single-character
 *   change in the body (any burst of at most 32 bits).
 *
 * The prefix shown in lists is `ahk_` plus 8 body characters (about 43 bits); with `last4` (part of the
 * checksum) at most ~67 bits of the key's 192 are ever shown, leaving well over 120 bits secret.
 */
export const API_KEY_PREFIX = 'ahk_';
/** Random bytes in a key's body. */
export const API_KEY_ENTROPY_BYTES = 24;
export const API_KEY_BODY_LENGTH = 33;
export const API_KEY_CHECKSUM_LENGTH = 6;
export const API_KEY_LENGTH = API_KEY_PREFIX.length + API_KEY_BODY_LENGTH + API_KEY_CHECKSUM_LENGTH;
/** Characters of the secret kept as its display prefix (`ahk_` + 8). */
export const API_KEY_DISPLAY_PREFIX_LENGTH = 12;

/**
 * Finds hub keys inside longer text (logs, upstream error bodies, audit details). Not global on purpose: a
 * shared `/g` regex keeps `lastIndex` between calls; a redactor should build `new RegExp(API_KEY_PATTERN.source,
 * 'g')`. It checks the shape only, not the checksum, so it over-matches look-alikes, which is what redaction wants.
 */
export const API_KEY_PATTERN = new RegExp(
  `${API_KEY_PREFIX}[0-9A-Za-z]{${API_KEY_BODY_LENGTH + API_KEY_CHECKSUM_LENGTH}}`,
);

const FULL_SHAPE = new RegExp(`^${API_KEY_PATTERN.source}$`);
const BASE62_ONLY = /^[0-9A-Za-z]*$/;

/** What the server stores and shows about a key; `secret` is shown to its owner once, at creation. */
export interface ApiKeyParts {
  secret: string;
  /** First 12 characters, `ahk_` included: enough to tell keys apart in a list. */
  prefix: string;
  /** Last 4 characters. */
  last4: string;
  /** SHA-256 hex of the whole secret: the only form stored. */
  hash: string;
}

export type ApiKeyRejection = 'wrong_prefix' | 'wrong_length' | 'bad_alphabet' | 'bad_checksum';

export type ApiKeyParseResult = { ok: true; key: ApiKeyParts } | { ok: false; reason: ApiKeyRejection };

function checksumOf(body: string): string {
  return encodeBase62(BigInt(crc32(body)), API_KEY_CHECKSUM_LENGTH);
}

function partsOf(secret: string): ApiKeyParts {
  return {
    secret,
    prefix: secret.slice(0, API_KEY_DISPLAY_PREFIX_LENGTH),
    last4: secret.slice(-4),
    hash: hashApiKey(secret),
  };
}

/**
 * The key made from exactly these 24 bytes. Separate from `generateApiKey` so the format can be checked against
 * fixed vectors; production code never chooses the bytes.
 */
export function formatApiKey(entropy: Uint8Array): string {
  if (entropy.length !== API_KEY_ENTROPY_BYTES) {
    throw new RangeError(`formatApiKey: expected ${API_KEY_ENTROPY_BYTES} bytes`);
  }
  const body = encodeBase62(bytesToBigInt(entropy), API_KEY_BODY_LENGTH);
  return `${API_KEY_PREFIX}${body}${checksumOf(body)}`;
}

/** A fresh key from the operating system's CSPRNG. */
export function generateApiKey(): ApiKeyParts {
  return partsOf(formatApiKey(randomBytes(API_KEY_ENTROPY_BYTES)));
}

/**
 * Checks a presented key's prefix, length, alphabet and checksum, in that order, before the caller touches the
 * database: junk costs a few string operations, never a query. A key that passes is well-formed, not valid:
 * the caller still looks up `hash` and checks revocation.
 */
export function parseApiKey(input: string): ApiKeyParseResult {
  if (!input.startsWith(API_KEY_PREFIX)) return { ok: false, reason: 'wrong_prefix' };
  if (input.length !== API_KEY_LENGTH) return { ok: false, reason: 'wrong_length' };
  const rest = input.slice(API_KEY_PREFIX.length);
  if (!BASE62_ONLY.test(rest)) return { ok: false, reason: 'bad_alphabet' };
  const body = rest.slice(0, API_KEY_BODY_LENGTH);
  const checksum = rest.slice(API_KEY_BODY_LENGTH);
  if (checksum !== checksumOf(body)) return { ok: false, reason: 'bad_checksum' };
  return { ok: true, key: partsOf(input) };
}

/** Whether the whole string has a hub key's shape (prefix, length, alphabet); the checksum is not checked. */
export function looksLikeApiKey(value: string): boolean {
  return FULL_SHAPE.test(value);
}
