import { type WalletObject } from '@ocap/wallet';
import { parseLoginChallenge } from './challenge';
import { parseAbtDid } from './did';
import { decodeBinary, toCanonicalHex } from './encoding';
import { DidAuthError } from './errors';

/** Everything `verifyLoginSignature` needs from the client besides the message, in canonical form. */
export interface LoginProof {
  did: string;
  /** `0x` + lowercase hex. */
  publicKey: string;
  /** `0x` + lowercase hex. */
  signature: string;
}

/**
 * Signs a sign-in challenge the way `verifyLoginSignature` checks it (see verify.ts: the UTF-8 bytes, hashed
 * with the DID's hash, then signed). For tests and programmatic clients.
 *
 * It refuses to sign anything but a well-formed challenge, and one naming another DID: a helper that signs
 * whatever it is given would turn a client into a signing oracle for arbitrary text.
 */
export async function signLoginChallenge(wallet: WalletObject, message: string): Promise<LoginProof> {
  const fields = parseLoginChallenge(message);
  const own = parseAbtDid(wallet.address);
  if (!own.ok) throw new DidAuthError(own.reason, 'DID sign-in: this wallet cannot sign in');
  if (fields.did !== null && fields.did !== own.value.did) {
    throw new DidAuthError('malformed', 'DID sign-in: the challenge names another DID');
  }

  const publicKey = decodeBinary(wallet.publicKey);
  if (publicKey === null)
    throw new DidAuthError('malformed', 'DID sign-in: the wallet has no usable public key');
  const signature = await wallet.sign(Buffer.from(message, 'utf8'), true, 'hex');
  return { did: own.value.did, publicKey: toCanonicalHex(publicKey), signature: signature.toLowerCase() };
}
