/**
 * Sign-in with a DID wallet, for programs that hold one: ask the hub for a challenge, sign its text, trade the
 * signature for a session token.
 *
 * The wallet is a structural interface, not ArcBlock's class, so this package needs none of their libraries;
 * an `@ocap/wallet` WalletObject fits as it is. Its `sign` hashes the message the way its DID type requires,
 * which is what the hub verifies.
 */
import { HubClientError } from './errors';
import type { HubRouterOutputs } from './api';
import { createHubClient, type HubClient, type HubClientOptions } from './client';

/** What sign-in needs from a wallet. `@ocap/wallet`'s `WalletObject` satisfies it. */
export interface HubWallet {
  /** The wallet's DID: `z...` or `did:abt:z...`. */
  readonly address: string;
  /** The public key: `0x`-hex (what `@ocap/wallet` holds), hex, multibase base58 (`z...`), or bytes. */
  readonly publicKey: string | Uint8Array;
  /**
   * Signs the bytes as the wallet's DID type requires (hashing them first where it does); returns the
   * signature as hex (with or without `0x`), multibase base58 or bytes.
   */
  sign(message: Uint8Array): string | Uint8Array | Promise<string | Uint8Array>;
}

export interface SignInOptions {
  /** The one-time owner setup code, to claim a hub that has no owner yet. */
  setupCode?: string;
  /** Custom fetch, also used by the returned client. */
  fetch?: typeof fetch;
}

export type SignInResult = HubRouterOutputs['auth']['login'] & {
  /** A client that uses the new session token. */
  client: HubClient;
};

/** First line of every hub sign-in challenge. */
const CHALLENGE_HEADER = 'aigne-hub wants you to sign in with your DID wallet.';
const MAX_CHALLENGE_LENGTH = 1024;

/**
 * Signs in at the hub at `url` with `wallet`; returns the session (its `token` works as
 * `Authorization: Bearer` until `expiresAt`) and a client that uses it.
 */
export async function signInWithWallet(
  url: string,
  wallet: HubWallet,
  options: SignInOptions = {},
): Promise<SignInResult> {
  const anonymous = createHubClient(withFetch({ url }, options.fetch));
  const did = wallet.address;
  const challenge = await anonymous.api.auth.challenge.mutate({ did });
  assertSignInChallenge(challenge.message, challenge.nonce, did);
  const signature = await wallet.sign(new TextEncoder().encode(challenge.message));
  const session = await anonymous.api.auth.login.mutate({
    did,
    publicKey: encodeBinary(wallet.publicKey),
    signature: encodeBinary(signature),
    nonce: challenge.nonce,
    ...(options.setupCode !== undefined && { setupCode: options.setupCode }),
  });
  return {
    ...session,
    client: createHubClient(withFetch({ url, sessionToken: session.token }, options.fetch)),
  };
}

function withFetch(options: HubClientOptions, fetchImpl: typeof fetch | undefined): HubClientOptions {
  return fetchImpl ? { ...options, fetch: fetchImpl } : options;
}

/**
 * Refuses to sign anything but a hub sign-in challenge for this DID and nonce. A program that signs whatever
 * a server sends is a signing oracle: a hostile "hub" could have it sign text that means something elsewhere.
 * (The domain is not checked: a program may reach the hub by another name than its public one.)
 */
export function assertSignInChallenge(message: string, nonce: string, did: string): void {
  const lines = message.split('\n');
  const expectedDid = did.startsWith('did:abt:') ? did : `did:abt:${did}`;
  const ok =
    message.length <= MAX_CHALLENGE_LENGTH &&
    /^[\x20-\x7e\n]*$/.test(message) &&
    lines[0] === CHALLENGE_HEADER &&
    lines.includes(`Nonce: ${nonce}`) &&
    lines.includes(`DID: ${expectedDid}`);
  if (!ok) {
    throw new HubClientError(
      'Refusing to sign: the hub sent something that is not a sign-in challenge for this DID',
      { code: 'invalid_challenge' },
    );
  }
}

/** Bytes as `0x` + lowercase hex; hex strings likewise; other strings (multibase) as they are. */
export function encodeBinary(value: string | Uint8Array): string {
  if (typeof value !== 'string') {
    return `0x${Array.from(value, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
  }
  const hex = /^(?:0x)?((?:[0-9a-fA-F]{2})+)$/.exec(value)?.[1];
  return hex === undefined ? value : `0x${hex.toLowerCase()}`;
}
