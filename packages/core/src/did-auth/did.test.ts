import { fromPublicKeyHash } from '@arcblock/did';
import { types } from '@ocap/mcrypto';
import { WalletType, fromRandom } from '@ocap/wallet';
import { describe, expect, it } from 'vitest';
import { parseAbtDid } from './did';

/** Derived independently (Python: SHA3-256, type bytes, base58) from RFC 8032's first ed25519 key. */
const ED25519_DID = 'did:abt:z1QpgFE4FNQUmKqbskTZRt8TqFjYLVds7yg';
/** Same derivation for the secp256k1 key 0x0102...20 (type bytes 0x0021). */
const SECP256K1_DID = 'did:abt:z1EbR1cozjLNdq752JqgwvPrRpAV9qLYjgPQ';

function reasonOf(input: string): string {
  const result = parseAbtDid(input);
  return result.ok ? 'ok' : result.reason;
}

describe('parseAbtDid', () => {
  it('reads an ed25519 DID, with or without the did:abt: prefix', () => {
    const address = ED25519_DID.slice('did:abt:'.length);
    for (const input of [ED25519_DID, address]) {
      expect(parseAbtDid(input)).toEqual({
        ok: true,
        value: {
          did: ED25519_DID,
          address,
          type: {
            role: types.RoleType.ROLE_ACCOUNT,
            pk: types.KeyType.ED25519,
            hash: types.HashType.SHA3,
            address: 1,
          },
          keyKind: 'ed25519',
        },
      });
    }
  });

  it('reads a secp256k1 DID', () => {
    const result = parseAbtDid(SECP256K1_DID);
    expect(result.ok && result.value.keyKind).toBe('secp256k1');
    expect(result.ok && result.value.type.pk).toBe(types.KeyType.SECP256K1);
  });

  it('reads DIDs of freshly made wallets of both key types', () => {
    const ed = fromRandom();
    const k1 = fromRandom(WalletType({ pk: types.KeyType.SECP256K1 }));
    expect(parseAbtDid(ed.toDid())).toMatchObject({
      ok: true,
      value: { did: ed.toDid(), keyKind: 'ed25519' },
    });
    expect(parseAbtDid(k1.toDid())).toMatchObject({
      ok: true,
      value: { did: k1.toDid(), keyKind: 'secp256k1' },
    });
  });

  it('calls malformed anything that is not a base58 did:abt address with a valid checksum', () => {
    const address = ED25519_DID.slice('did:abt:'.length);
    const lastChar = address.at(-1) === 'g' ? 'h' : 'g';
    for (const input of [
      '',
      'did:abt:',
      'hello',
      `${ED25519_DID.slice(0, -1)}${lastChar}`,
      `did:afs:${address}`,
      `DID:ABT:${address}`,
      `did:abt:${address} `,
      `did:abt:did:abt:${address}`,
      `did:abt:0x${'ab'.repeat(26)}`,
      fromRandom('eth').address,
    ]) {
      expect({ input, reason: reasonOf(input) }).toEqual({ input, reason: 'malformed' });
    }
  });

  it('calls unsupported_key_type a valid DID with a key or hash we do not verify', () => {
    const passkey = fromPublicKeyHash(`0x${'11'.repeat(32)}`, {
      role: types.RoleType.ROLE_PASSKEY,
      pk: types.KeyType.PASSKEY,
      hash: types.HashType.SHA2,
      address: types.EncodingType.BASE58,
    });
    const wideHash = fromRandom(WalletType({ pk: types.KeyType.ED25519, hash: types.HashType.SHA3_512 }));
    const ethereumKey = fromPublicKeyHash(`0x${'22'.repeat(32)}`, {
      role: types.RoleType.ROLE_ACCOUNT,
      pk: types.KeyType.ETHEREUM,
      hash: types.HashType.KECCAK,
      address: types.EncodingType.BASE58,
    });
    for (const address of [passkey, wideHash.address, ethereumKey]) {
      expect({ address, reason: reasonOf(address) }).toEqual({ address, reason: 'unsupported_key_type' });
    }
  });
});
