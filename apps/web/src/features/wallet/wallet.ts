/**
 * The DID wallet kept in this browser: the person's identity on the hub, instead of a password.
 *
 * - Created here (a fresh ed25519 key, DID Wallet's default account type) or imported from a key file.
 * - Kept in localStorage, readable only by pages of this hub's origin. Clearing the browser's site data deletes
 *   it, and with it the identity, unless the person exported a key file (the page says so and offers it).
 * - Signs the hub's sign-in challenge exactly as `@aigne-hub/core` `signLoginChallenge` does (and as the hub
 *   verifies): the challenge's UTF-8 bytes, hashed with the DID's hash, signed by `wallet.sign(bytes)`; public
 *   key and signature as `0x` + lowercase hex. Core's own function cannot run in a browser (its did-auth module
 *   imports node:crypto), so only that call is restated here; wallet.test.ts checks both give the same bytes.
 */
import { isValid as isValidAddress, toTypeInfo } from '@arcblock/did';
import { fromRandom, fromSecretKey, type WalletObject } from '@ocap/wallet';

export const WALLET_STORAGE_KEY = 'aigne-hub.wallet';
export const KEY_FILE_FORMAT = 'aigne-hub-wallet';
const DID_PREFIX = 'did:abt:';

/** What is stored, and what a key file holds. */
export interface StoredWallet {
  /** `did:abt:z...` */
  did: string;
  /** `0x` + lowercase hex. */
  publicKey: string;
  /** `0x` + lowercase hex. The identity itself: whoever holds it can sign in as this DID. */
  secretKey: string;
  createdAt: string;
  /** When a key file was last saved from this browser (null: never, so the page keeps asking). */
  backedUpAt: string | null;
}

export class WalletError extends Error {
  override name = 'WalletError';
}

const HEX = /^0x[0-9a-f]+$/;

function canonicalHex(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim().toLowerCase();
  const prefixed = text.startsWith('0x') ? text : `0x${text}`;
  return HEX.test(prefixed) && prefixed.length % 2 === 0 ? prefixed : null;
}

/** The wallet object for a secret key, its type read from the DID (never chosen by the file). */
function openWallet(did: string, secretKey: string): WalletObject {
  const address = did.startsWith(DID_PREFIX) ? did.slice(DID_PREFIX.length) : did;
  if (!isValidAddress(address)) throw new WalletError('The DID in the key file is not a valid ABT DID');
  const wallet = fromSecretKey(secretKey, toTypeInfo(address));
  if (wallet.address !== address) throw new WalletError('The key in the key file does not belong to its DID');
  return wallet;
}

export function createWallet(now: Date = new Date()): StoredWallet {
  const wallet = fromRandom();
  return {
    did: `${DID_PREFIX}${wallet.address}`,
    publicKey: canonicalHex(wallet.publicKey)!,
    secretKey: canonicalHex(wallet.secretKey)!,
    createdAt: now.toISOString(),
    backedUpAt: null,
  };
}

/**
 * Reads a key file: ours (`format: "aigne-hub-wallet"`), or a wallet as `@ocap/wallet` serialises it
 * (`{ type, sk, pk, address }`, what ArcBlock tools export). The secret key must produce the DID it claims.
 */
export function parseKeyFile(text: string, now: Date = new Date()): StoredWallet {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new WalletError('The file is not a key file (it is not JSON)');
  }
  if (typeof raw !== 'object' || raw === null) throw new WalletError('The file is not a key file');
  const file = raw as Record<string, unknown>;
  const ours = file.format === KEY_FILE_FORMAT;
  const secretKey = canonicalHex(ours ? file.secretKey : file.sk);
  const claimed = ours ? file.did : file.address;
  if (!secretKey || typeof claimed !== 'string') {
    throw new WalletError('The file is not a key file: it has no secret key and DID');
  }
  const did = claimed.startsWith(DID_PREFIX) ? claimed : `${DID_PREFIX}${claimed}`;
  let wallet: WalletObject;
  try {
    wallet = openWallet(did, secretKey);
  } catch (error) {
    if (error instanceof WalletError) throw error;
    throw new WalletError('The secret key in the key file is not usable');
  }
  const publicKey = canonicalHex(wallet.publicKey)!;
  const claimedKey = canonicalHex(ours ? file.publicKey : file.pk);
  if (claimedKey !== null && claimedKey !== publicKey) {
    throw new WalletError('The public key in the key file does not match its secret key');
  }
  return {
    did,
    publicKey,
    secretKey,
    createdAt: typeof file.createdAt === 'string' ? file.createdAt : now.toISOString(),
    // The person has the file in hand: that is the backup.
    backedUpAt: now.toISOString(),
  };
}

/** The key file to save: everything needed to sign in again from another browser. */
export function toKeyFile(wallet: StoredWallet): string {
  return `${JSON.stringify(
    {
      format: KEY_FILE_FORMAT,
      version: 1,
      did: wallet.did,
      publicKey: wallet.publicKey,
      secretKey: wallet.secretKey,
      createdAt: wallet.createdAt,
      warning:
        'This file is your aigne-hub identity. Anyone who has it can sign in as you. Keep it somewhere safe and private.',
    },
    null,
    2,
  )}\n`;
}

export function keyFileName(wallet: StoredWallet): string {
  return `aigne-hub-key-${wallet.did.slice(-8)}.json`;
}

/** The stored wallet, or null when there is none or it is unreadable (the sign-in page then offers a new one). */
export function loadWallet(storage: Storage = localStorage): StoredWallet | null {
  const text = storage.getItem(WALLET_STORAGE_KEY);
  if (text === null) return null;
  try {
    const stored = JSON.parse(text) as Partial<StoredWallet>;
    if (typeof stored.did !== 'string' || typeof stored.secretKey !== 'string') return null;
    const wallet = openWallet(stored.did, stored.secretKey);
    return {
      did: stored.did,
      publicKey: canonicalHex(wallet.publicKey)!,
      secretKey: stored.secretKey,
      createdAt: typeof stored.createdAt === 'string' ? stored.createdAt : new Date(0).toISOString(),
      backedUpAt: typeof stored.backedUpAt === 'string' ? stored.backedUpAt : null,
    };
  } catch {
    return null;
  }
}

export function saveWallet(wallet: StoredWallet, storage: Storage = localStorage): void {
  storage.setItem(WALLET_STORAGE_KEY, JSON.stringify(wallet));
}

export function forgetWallet(storage: Storage = localStorage): void {
  storage.removeItem(WALLET_STORAGE_KEY);
}

const LOGIN_MESSAGE_HEADER = 'aigne-hub wants you to sign in with your DID wallet.';
const CHALLENGE_LABELS = new Set(['Domain', 'Origin', 'DID', 'Nonce', 'Issued At', 'Expiration Time']);
const REQUIRED_LABELS = ['Domain', 'Origin', 'Nonce', 'Issued At', 'Expiration Time'];

/**
 * Like core's `signLoginChallenge`, refuses to sign anything but a sign-in challenge of the hub's form, and one
 * naming another DID: a wallet that signs whatever text it is handed could be made to sign something else.
 */
export function checkChallenge(message: string, did: string): void {
  const [header, ...lines] = message.split('\n');
  if (header !== LOGIN_MESSAGE_HEADER) throw new WalletError('This is not a sign-in challenge of the hub');
  const fields = new Map<string, string>();
  for (const line of lines) {
    const separator = line.indexOf(': ');
    const label = separator < 0 ? line : line.slice(0, separator);
    if (separator < 0 || !CHALLENGE_LABELS.has(label) || fields.has(label)) {
      throw new WalletError('This is not a sign-in challenge of the hub');
    }
    fields.set(label, line.slice(separator + 2));
  }
  if (REQUIRED_LABELS.some((label) => !fields.has(label))) {
    throw new WalletError('This is not a sign-in challenge of the hub');
  }
  const named = fields.get('DID');
  if (named !== undefined && named !== did) throw new WalletError('The challenge names another DID');
}

export interface LoginProof {
  did: string;
  publicKey: string;
  signature: string;
}

export async function signChallenge(stored: StoredWallet, message: string): Promise<LoginProof> {
  checkChallenge(message, stored.did);
  const wallet = openWallet(stored.did, stored.secretKey);
  const signature = await wallet.sign(new TextEncoder().encode(message), true, 'hex');
  return { did: stored.did, publicKey: stored.publicKey, signature: signature.toLowerCase() };
}
