import { HubError } from '../errors';

/**
 * Why a DID sign-in was refused. Machine-readable so the server can audit the exact reason while answering the
 * client with one generic UNAUTHORIZED (telling a stranger which check failed helps nobody but an attacker).
 *
 * - `malformed`: a bad DID, public key or signature encoding, or a message that is not the challenge issued.
 * - `unsupported_key_type`: the DID's type info names a key or hash we do not verify.
 * - `wrong_key`: the public key does not derive the claimed DID.
 * - `bad_signature`: the signature does not verify under that key.
 * - `expired`, `wrong_domain`, `replayed`: the challenge is out of date, for another hub, or already used.
 */
export type DidAuthFailure =
  | 'malformed'
  | 'unsupported_key_type'
  | 'wrong_key'
  | 'bad_signature'
  | 'expired'
  | 'wrong_domain'
  | 'replayed';

/** A refused DID sign-in. The message names the failed check, never a key, a signature or the challenge text. */
export class DidAuthError extends HubError {
  readonly kind = 'did_auth';

  constructor(
    readonly reason: DidAuthFailure,
    message: string,
  ) {
    super(message);
  }
}
