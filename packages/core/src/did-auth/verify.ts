import { fromPublicKey, type WalletObject } from '@ocap/wallet';
import { parseLoginChallenge } from './challenge';
import { parseAbtDid, type KeyKind } from './did';
import { decodeBinary } from './encoding';
import { DidAuthError } from './errors';

/**
 * What exactly is signed, here and in `signLoginChallenge`: the UTF-8 bytes of the challenge message, hashed
 * once with the hash named in the DID's type info (SHA3-256 for DID Wallet's default accounts), and that digest
 * signed with the DID's key: raw 64 bytes for ed25519, DER for secp256k1. This is `@ocap/wallet`'s
 * `wallet.sign(bytes)` with its default `hashBeforeSign = true`, so any ArcBlock wallet produces it natively.
 * Bytes, never a string, go into the library: given a string it guesses an encoding (hex, base58, else UTF-8).
 */

/** The challenge as the server stored it. Only `usedAt` is read: marking it used is the server's atomic step. */
export interface StoredLoginChallenge {
  nonce: string;
  domain: string;
  expiresAt: Date;
  usedAt?: Date | null;
  /** Set when the challenge was issued for one DID; then only that DID may use it. */
  did?: string | null;
}

export interface VerifyLoginSignatureInput {
  /** The DID that claims to have signed, with or without `did:abt:`. */
  did: string;
  /** Hex (`0x` optional) or multibase base58btc; canonical form `0x` + lowercase hex. */
  publicKey: string;
  /** Same encodings as `publicKey`. */
  signature: string;
  /** The challenge text exactly as signed. */
  message: string;
  challenge: StoredLoginChallenge;
  /** The domain this hub serves sign-in for (from configuration, never from the request). */
  expectedDomain: string;
  now: Date;
}

const SECP256K1_UNCOMPRESSED_PREFIX = 0x04;
const DER_SEQUENCE = 0x30;
const DER_INTEGER = 0x02;

/** Exact sizes the library produces; anything else is an encoding error, not a wrong signature. */
function isPlausibleKey(kind: KeyKind, key: Uint8Array): boolean {
  // secp256k1 DIDs are derived from the 65-byte uncompressed key; a compressed key could never match.
  return kind === 'ed25519'
    ? key.length === 32
    : key.length === 65 && key[0] === SECP256K1_UNCOMPRESSED_PREFIX;
}

/**
 * The outline of a DER ECDSA signature, `30 len 02 rlen r 02 slen s`, with lengths that add up; the values
 * themselves (range, minimal encoding, low S) are the verifier's job.
 */
function isDerSignatureShape(signature: Uint8Array): boolean {
  const [sequence, length, rTag, rLength = 0] = signature;
  if (sequence !== DER_SEQUENCE || length !== signature.length - 2 || rTag !== DER_INTEGER) return false;
  if (rLength < 1 || rLength > 33) return false;
  const sTag = signature[4 + rLength];
  const sLength = signature[5 + rLength] ?? 0;
  return sTag === DER_INTEGER && sLength >= 1 && sLength <= 33 && 6 + rLength + sLength === signature.length;
}

function isPlausibleSignature(kind: KeyKind, signature: Uint8Array): boolean {
  return kind === 'ed25519' ? signature.length === 64 : isDerSignatureShape(signature);
}

function fail(reason: DidAuthError['reason'], message: string): never {
  throw new DidAuthError(reason, message);
}

/**
 * Verifies a signed sign-in challenge and returns the signer's normalized DID (`did:abt:z...`), or throws a
 * `DidAuthError` with the reason.
 *
 * Order of checks, cheapest and least revealing first:
 * 1. shape of the request, which depends on nothing the server holds (`malformed`, `unsupported_key_type`),
 *    including that the message is exactly the stored challenge (nonce, expiry, DID);
 * 2. the domain (`wrong_domain`), which also needs only the request and the hub's configuration;
 * 3. the challenge's state: `expired` before `replayed`, so an old captured sign-in only ever reads "expired"
 *    and never confirms that it was used;
 * 4. the cryptography: the key derives the DID (`wrong_key`), then the signature (`bad_signature`).
 */
export async function verifyLoginSignature(input: VerifyLoginSignatureInput): Promise<string> {
  const { challenge, expectedDomain, now } = input;

  const claimed = parseAbtDid(input.did);
  if (!claimed.ok) fail(claimed.reason, 'DID sign-in: the DID cannot sign in');
  const { did, address, type, keyKind } = claimed.value;

  const publicKey = decodeBinary(input.publicKey);
  if (publicKey === null || !isPlausibleKey(keyKind, publicKey)) {
    fail('malformed', 'DID sign-in: the public key is not a valid encoding for this DID type');
  }
  const signature = decodeBinary(input.signature);
  if (signature === null || !isPlausibleSignature(keyKind, signature)) {
    fail('malformed', 'DID sign-in: the signature is not a valid encoding for this DID type');
  }

  const signed = parseLoginChallenge(input.message);
  if (signed.nonce !== challenge.nonce) fail('malformed', 'DID sign-in: the message is not this challenge');
  if (signed.expiresAt.getTime() !== challenge.expiresAt.getTime()) {
    fail('malformed', 'DID sign-in: the message is not this challenge');
  }
  if (signed.did !== null && signed.did !== did) {
    fail('malformed', 'DID sign-in: the message names another DID');
  }
  if (challenge.did != null && parseDidOrNull(challenge.did) !== did) {
    fail('malformed', 'DID sign-in: the challenge was issued for another DID');
  }

  if (signed.domain !== expectedDomain || challenge.domain !== expectedDomain) {
    fail('wrong_domain', 'DID sign-in: the challenge is for another domain');
  }

  // Written as "not before" so that an invalid date (NaN) counts as expired: fail closed.
  if (!(now.getTime() < challenge.expiresAt.getTime())) {
    fail('expired', 'DID sign-in: the challenge has expired');
  }
  if (challenge.usedAt != null) fail('replayed', 'DID sign-in: the challenge was already used');

  const wallet = fromPublicKey(publicKey, type);
  if (wallet.address !== address) fail('wrong_key', 'DID sign-in: the public key does not belong to the DID');

  const message = Buffer.from(input.message, 'utf8');
  if (!(await signatureVerifies(wallet, message, signature))) {
    fail('bad_signature', 'DID sign-in: the signature does not verify');
  }
  return did;
}

async function signatureVerifies(
  wallet: WalletObject<Uint8Array>,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  try {
    // `true`: hash the message with the DID's hash before checking, exactly as `wallet.sign` does.
    return await wallet.verify(message, signature, true);
  } catch {
    // The signer throws on some invalid curve points or encodings; for the caller that is a bad signature.
    return false;
  }
}

function parseDidOrNull(text: string): string | null {
  const parsed = parseAbtDid(text);
  return parsed.ok ? parsed.value.did : null;
}
