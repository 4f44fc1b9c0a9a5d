import { DidType, isValid, toTypeInfo, type RequiredDIDType } from '@arcblock/did';
import { types } from '@ocap/mcrypto';

/**
 * `did:abt` DIDs as sign-in identities.
 *
 * An ABT DID is `did:abt:` + base58btc (multibase `z`) of 26 bytes: 2 bytes of type info (role, key type, hash
 * type), 20 bytes of the public key's hash, and a 4-byte checksum. The type info, not the client, decides how a
 * signature is checked: a client that could choose the algorithm could pick the weakest one.
 */
export const DID_ABT_PREFIX = 'did:abt:';

/** Key types we verify: DID Wallet's default ed25519 accounts and its secp256k1 accounts. */
const SUPPORTED_KEYS = new Set<number>([types.KeyType.ED25519, types.KeyType.SECP256K1]);
/** 256-bit hashes only: secp256k1 signs a 32-byte digest, and no supported wallet uses the wider ones. */
const SUPPORTED_HASHES = new Set<number>([types.HashType.SHA3, types.HashType.KECCAK, types.HashType.SHA2]);

/** Only the base58 form: a hex spelling of the same address would make one person two users. */
const DID_SHAPE = /^(?:did:abt:)?(z[1-9A-HJ-NP-Za-km-z]{20,60})$/;

export type KeyKind = 'ed25519' | 'secp256k1';

export interface AbtDid {
  /** Normalized: `did:abt:z...`. */
  did: string;
  /** The address part: `z...`. */
  address: string;
  /** The full wallet type derived from the DID's type info, ready for `@ocap/wallet`. */
  type: RequiredDIDType;
  keyKind: KeyKind;
}

export type AbtDidResult =
  { ok: true; value: AbtDid } | { ok: false; reason: 'malformed' | 'unsupported_key_type' };

function hasChecksum(address: string): boolean {
  try {
    return isValid(address);
  } catch {
    return false;
  }
}

/**
 * Reads a DID given with or without the `did:abt:` prefix. `malformed` for anything that is not a base58 ABT
 * address with a correct checksum; `unsupported_key_type` for a well-formed DID whose type info names a key,
 * hash or address encoding we do not verify (ethereum-style, passkey, 384/512-bit hashes).
 */
export function parseAbtDid(input: string): AbtDidResult {
  const address = DID_SHAPE.exec(input)?.[1];
  if (address === undefined || !hasChecksum(address)) return { ok: false, reason: 'malformed' };

  const info = toTypeInfo(address);
  const { role, pk, hash, address: encoding } = info;
  if (role === undefined || pk === undefined || hash === undefined || encoding === undefined) {
    return { ok: false, reason: 'unsupported_key_type' };
  }
  if (!SUPPORTED_KEYS.has(pk) || !SUPPORTED_HASHES.has(hash) || encoding !== types.EncodingType.BASE58) {
    return { ok: false, reason: 'unsupported_key_type' };
  }
  return {
    ok: true,
    value: {
      did: `${DID_ABT_PREFIX}${address}`,
      address,
      type: DidType({ role, pk, hash, address: encoding }),
      keyKind: pk === types.KeyType.ED25519 ? 'ed25519' : 'secp256k1',
    },
  };
}
