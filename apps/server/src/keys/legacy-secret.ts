/**
 * Reading one secret written by `@blocklet/sdk` `security.encrypt` (an existing AIGNE Hub's credentials), for a
 * one-time import.
 *
 * That format has no integrity tag: with a wrong BLOCKLET_APP_EK / BLOCKLET_DID the core reader catches almost
 * every wrong key through padding and UTF-8 checks, but not all. An import that stored garbage would silently
 * destroy a credential, so a result is accepted only when it also looks like a provider secret: printable
 * ASCII without spaces, as every API key and AWS secret key is. Random bytes pass that with odds around
 * (94/256)^16 for the shortest ciphertext, i.e. never in practice.
 */
import { DecryptionError, decryptBlockletLegacy } from '@aigne-hub/core';

/** What @blocklet/sdk derived its key from: the app's encryption key and the blocklet's DID. */
export interface LegacyKey {
  appEk: string;
  did: string;
}

export type LegacyOpenFailure = 'legacy_failed' | 'implausible';

export type LegacyOpenResult = { ok: true; secret: string } | { ok: false; reason: LegacyOpenFailure };

const MAX_SECRET_LENGTH = 4096;
const SECRET_SHAPE = /^[\x21-\x7e]+$/;

/** True for text that can be a provider secret (API key, secret access key). */
export function looksLikeSecret(text: string): boolean {
  return text.length > 0 && text.length <= MAX_SECRET_LENGTH && SECRET_SHAPE.test(text);
}

/** Decrypts legacy ciphertext; never throws for a bad value, and never returns its content in a failure. */
export function openLegacySecret(ciphertext: string, legacy: LegacyKey): LegacyOpenResult {
  let secret: string;
  try {
    secret = decryptBlockletLegacy(ciphertext, legacy.appEk, legacy.did);
  } catch (error) {
    if (error instanceof DecryptionError) return { ok: false, reason: 'legacy_failed' };
    throw error;
  }
  return looksLikeSecret(secret) ? { ok: true, secret } : { ok: false, reason: 'implausible' };
}
