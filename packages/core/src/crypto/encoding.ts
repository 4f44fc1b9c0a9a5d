/**
 * Strict text codecs for key material and ciphertext.
 *
 * Node's `Buffer.from(s, 'base64')` is lenient on purpose: it skips characters it does not know, accepts
 * both alphabets at once and silently drops stray trailing bits. For secrets that leniency is a hazard: a
 * mangled key or envelope would decode to *something* instead of being refused. These helpers accept only
 * canonical text, so every accepted string has exactly one byte sequence and every byte sequence exactly one
 * accepted string.
 */

const BASE64URL_TEXT = /^[A-Za-z0-9_-]*$/;
const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

/** Unpadded base64url (RFC 4648 section 5), the form used inside envelopes. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * Decodes unpadded base64url, or returns `undefined` when `text` is not the canonical encoding of some bytes
 * (wrong characters, padding, an impossible length, non-zero trailing bits).
 */
export function decodeBase64UrlStrict(text: string): Buffer | undefined {
  if (!BASE64URL_TEXT.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/**
 * Decodes standard base64 (`+/`, padding optional) or base64url (`-_`, padding optional), but not a mix of
 * the two alphabets. Returns `undefined` for anything that is not a canonical encoding.
 */
export function decodeBase64EitherAlphabet(text: string): Buffer | undefined {
  const usesUrlAlphabet = /[-_]/.test(text);
  const usesStandardAlphabet = /[+/]/.test(text);
  if (usesUrlAlphabet && usesStandardAlphabet) return undefined;
  const standard = usesUrlAlphabet ? text.replaceAll('-', '+').replaceAll('_', '/') : text;
  if (!BASE64_TEXT.test(standard)) return undefined;
  const unpadded = standard.replace(/=+$/, '');
  const padding = standard.length - unpadded.length;
  if (unpadded.length % 4 === 1) return undefined;
  if (padding > 0 && (unpadded.length + padding) % 4 !== 0) return undefined;
  const bytes = Buffer.from(unpadded, 'base64');
  return bytes.toString('base64').replace(/=+$/, '') === unpadded ? bytes : undefined;
}

/** Standard padded base64, decoded only when `text` is exactly what `Buffer#toString('base64')` produces. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (!BASE64_TEXT.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when `text` has no unpaired UTF-16 surrogate. A string with one cannot be encoded as UTF-8 without
 * replacing it by U+FFFD, so encrypting it would silently change the secret; we refuse it instead.
 */
export function isWellFormedUnicode(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/**
 * Decodes UTF-8 and throws on any invalid sequence. `ignoreBOM: true` keeps a leading U+FEFF in the result
 * rather than stripping it, so the text comes back exactly as it was encoded.
 */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
}
