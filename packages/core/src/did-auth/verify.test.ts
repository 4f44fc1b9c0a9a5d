import { fromPublicKeyHash } from '@arcblock/did';
import { getSigner, types } from '@ocap/mcrypto';
import { WalletType, fromRandom, fromSecretKey, type WalletObject } from '@ocap/wallet';
import { describe, expect, it } from 'vitest';
import { createLoginChallenge, formatLoginMessage, type LoginChallenge } from './challenge';
import { DidAuthError, type DidAuthFailure } from './errors';
import { signLoginChallenge } from './sign';
import { verifyLoginSignature, type VerifyLoginSignatureInput } from './verify';

const DOMAIN = 'hub.example.com';
const ORIGIN = 'https://hub.example.com';
const NOW = new Date('2025-01-01T00:00:00.000Z');
const LATER = new Date('2025-01-01T00:01:00.000Z');

const SECP256K1 = WalletType({ pk: types.KeyType.SECP256K1 });

/**
 * Fixed vectors computed independently with Python (`cryptography` for ed25519 / ECDSA with RFC 6979 nonces and
 * low-S, `hashlib.sha3_256` for the digest and the DID): signature = Sign(sk, SHA3-256(UTF-8 message)).
 */
const VECTORS = {
  ed25519: {
    secretKey: '0x9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    type: 'default' as const,
    did: 'did:abt:z1QpgFE4FNQUmKqbskTZRt8TqFjYLVds7yg',
    publicKey: '0xd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    signature:
      '0xcea1af564caea4f8f362b65ff60c2e3aad92cc6bf9be852ca787bffa353ee4149b441d0f136badb4eca00d9c5d320792b8b3bf4d734969760d1fbba9267ac309',
  },
  secp256k1: {
    secretKey: '0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20',
    type: SECP256K1,
    did: 'did:abt:z1EbR1cozjLNdq752JqgwvPrRpAV9qLYjgPQ',
    publicKey:
      '0x0484bf7562262bbd6940085748f3be6afa52ae317155181ece31b66351ccffa4b08cc43d63b2859d469fee15f31c9edb5324266e6fd0407e87382d60fc4511acd8',
    signature:
      '0x304402200bebc56e9a73f79ca082efd651d2e2d20a70f3e03be12d49b1bf47c9746f53b202205b5fdb92f4bf2419bc1d2d60bd2784b4736ffe4c00d8223151aa7ffd7bea8001',
  },
};

function vectorMessage(did: string): string {
  return formatLoginMessage({
    domain: DOMAIN,
    origin: ORIGIN,
    did,
    nonce: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYX',
    issuedAt: NOW,
    expiresAt: new Date('2025-01-01T00:05:00.000Z'),
  });
}

/** The failure reason, or `ok:<did>` on success, so one assertion covers both outcomes. */
async function reasonOf(input: VerifyLoginSignatureInput): Promise<DidAuthFailure | `ok:${string}`> {
  try {
    return `ok:${await verifyLoginSignature(input)}`;
  } catch (error) {
    if (error instanceof DidAuthError) return error.reason;
    throw error;
  }
}

function flipByteAt(hex: string, byteIndex: number): string {
  const bytes = Buffer.from(hex.slice(2), 'hex');
  bytes[byteIndex] = bytes[byteIndex]! ^ 0x01;
  return `0x${bytes.toString('hex')}`;
}

function stored(challenge: LoginChallenge) {
  return { nonce: challenge.nonce, domain: challenge.domain, expiresAt: challenge.expiresAt, usedAt: null };
}

describe.each(Object.entries(VECTORS))('fixed vector, %s', (_kind, vector) => {
  const wallet = fromSecretKey(vector.secretKey, vector.type);
  const message = vectorMessage(vector.did);

  it('derives the same DID and public key as the independent computation', () => {
    expect(wallet.toDid()).toBe(vector.did);
    expect(wallet.publicKey).toBe(vector.publicKey);
  });

  it('signs exactly the expected bytes', async () => {
    expect(await signLoginChallenge(wallet, message)).toEqual({
      did: vector.did,
      publicKey: vector.publicKey,
      signature: vector.signature,
    });
  });

  it('verifies the vector', async () => {
    const challenge = {
      nonce: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYX',
      domain: DOMAIN,
      expiresAt: new Date('2025-01-01T00:05:00.000Z'),
      usedAt: null,
      did: vector.did,
    };
    const input = { ...vector, message, challenge, expectedDomain: DOMAIN, now: LATER };
    expect(await verifyLoginSignature(input)).toBe(vector.did);
    // A signature over the raw message (no hash first) is not what we verify.
    const raw = await wallet.sign(Buffer.from(message, 'utf8'), false, 'hex');
    expect(await reasonOf({ ...input, signature: raw })).toBe('bad_signature');
  });
});

const KINDS: [string, () => WalletObject][] = [
  ['ed25519', () => fromRandom()],
  ['secp256k1', () => fromRandom(SECP256K1)],
];

describe.each(KINDS)('verifyLoginSignature with real %s wallets', (_kind, makeWallet) => {
  async function setup() {
    const wallet = makeWallet();
    const challenge = createLoginChallenge({ domain: DOMAIN, origin: ORIGIN, now: NOW });
    const proof = await signLoginChallenge(wallet, challenge.message);
    const input: VerifyLoginSignatureInput = {
      ...proof,
      message: challenge.message,
      challenge: stored(challenge),
      expectedDomain: DOMAIN,
      now: LATER,
    };
    return { wallet, challenge, proof, input };
  }

  it('accepts a valid sign-in and returns the normalized DID', async () => {
    const { wallet, input } = await setup();
    expect(await verifyLoginSignature(input)).toBe(wallet.toDid());
    expect(wallet.toDid().startsWith('did:abt:z')).toBe(true);
  });

  it('accepts a challenge issued for the DID, and the bare address as DID', async () => {
    const wallet = makeWallet();
    const challenge = createLoginChallenge({ domain: DOMAIN, origin: ORIGIN, now: NOW, did: wallet.toDid() });
    const proof = await signLoginChallenge(wallet, challenge.message);
    const input = {
      ...proof,
      did: wallet.address,
      message: challenge.message,
      challenge: { ...stored(challenge), did: wallet.toDid() },
      expectedDomain: DOMAIN,
      now: LATER,
    };
    expect(await verifyLoginSignature(input)).toBe(wallet.toDid());
  });

  it("accepts the wallet's other natural encodings: base58, bare and uppercase hex", async () => {
    const { wallet, challenge, input } = await setup();
    const bytes = Buffer.from(challenge.message, 'utf8');
    const base58 = await wallet.sign(bytes, true, 'base58');
    const publicKey58 = getSigner(wallet.type.pk!).getPublicKey(wallet.secretKey, 'base58');
    expect(publicKey58.startsWith('z')).toBe(true);
    expect(await reasonOf({ ...input, signature: base58, publicKey: publicKey58 })).toBe(
      `ok:${wallet.toDid()}`,
    );
    expect(await reasonOf({ ...input, signature: input.signature.slice(2) })).toBe(`ok:${wallet.toDid()}`);
    expect(await reasonOf({ ...input, publicKey: `0x${input.publicKey.slice(2).toUpperCase()}` })).toBe(
      `ok:${wallet.toDid()}`,
    );
  });

  it('rejects a public key that does not derive the claimed DID (wrong_key)', async () => {
    const { input } = await setup();
    const other = await setup();
    // Another wallet's key and its own valid signature, presented under our DID.
    expect(await reasonOf({ ...other.input, did: input.did })).toBe('wrong_key');
    // Our signature with a key that differs in one byte.
    expect(await reasonOf({ ...input, publicKey: flipByteAt(input.publicKey, 10) })).toBe('wrong_key');
  });

  it('rejects a signature by another wallet (bad_signature)', async () => {
    const { challenge, input } = await setup();
    const intruder = makeWallet();
    const forged = await intruder.sign(Buffer.from(challenge.message, 'utf8'), true, 'hex');
    expect(await reasonOf({ ...input, signature: forged })).toBe('bad_signature');
  });

  it('rejects a signature with a flipped byte (bad_signature)', async () => {
    const { input } = await setup();
    const length = (input.signature.length - 2) / 2;
    for (const index of [length - 1, length - 10, Math.floor(length / 2)]) {
      expect({
        index,
        reason: await reasonOf({ ...input, signature: flipByteAt(input.signature, index) }),
      }).toEqual({
        index,
        reason: 'bad_signature',
      });
    }
  });

  it('rejects an expired challenge, to the millisecond', async () => {
    const { challenge, input } = await setup();
    const expiry = challenge.expiresAt.getTime();
    expect(await reasonOf({ ...input, now: new Date(expiry - 1) })).toBe(`ok:${input.did}`);
    expect(await reasonOf({ ...input, now: new Date(expiry) })).toBe('expired');
    expect(await reasonOf({ ...input, now: new Date(expiry + 3_600_000) })).toBe('expired');
    expect(await reasonOf({ ...input, now: new Date(Number.NaN) })).toBe('expired');
  });

  it('rejects a challenge for another domain', async () => {
    const { wallet, input } = await setup();
    expect(await reasonOf({ ...input, expectedDomain: 'other.example.com' })).toBe('wrong_domain');
    expect(await reasonOf({ ...input, challenge: { ...input.challenge, domain: 'other.example.com' } })).toBe(
      'wrong_domain',
    );
    // A phishing page relays a challenge it made for its own domain; the signature is genuine.
    const phish = createLoginChallenge({
      domain: 'hub-example.com',
      origin: 'https://hub-example.com',
      now: NOW,
    });
    const proof = await signLoginChallenge(wallet, phish.message);
    const relayed = { ...proof, message: phish.message, challenge: { ...stored(phish), domain: DOMAIN } };
    expect(await reasonOf({ ...input, ...relayed })).toBe('wrong_domain');
  });

  it('rejects a replayed challenge (usedAt set)', async () => {
    const { input } = await setup();
    expect(await reasonOf({ ...input, challenge: { ...input.challenge, usedAt: LATER } })).toBe('replayed');
  });

  it('rejects a message tampered with after signing', async () => {
    const { challenge, input } = await setup();
    const other = createLoginChallenge({ domain: DOMAIN, origin: ORIGIN, now: NOW });
    const withOtherNonce = input.message.replace(challenge.nonce, other.nonce);
    // Against the original challenge the message is simply not that challenge...
    expect(await reasonOf({ ...input, message: withOtherNonce })).toBe('malformed');
    // ...and against the challenge it now names, the signature no longer matches.
    expect(await reasonOf({ ...input, message: withOtherNonce, challenge: stored(other) })).toBe(
      'bad_signature',
    );

    // Signed for another domain, edited to ours.
    const elsewhere = createLoginChallenge({
      domain: 'a.example.com',
      origin: 'https://a.example.com',
      now: NOW,
    });
    const signedElsewhere = await signLoginChallenge(makeWallet(), elsewhere.message);
    const edited = elsewhere.message.replace('Domain: a.example.com', `Domain: ${DOMAIN}`);
    expect(
      await reasonOf({
        ...signedElsewhere,
        message: edited,
        challenge: { ...stored(elsewhere), domain: DOMAIN },
        expectedDomain: DOMAIN,
        now: LATER,
      }),
    ).toBe('bad_signature');

    // The origin, which the stored challenge does not hold, is covered by the signature too.
    const originEdited = input.message.replace(`Origin: ${ORIGIN}`, 'Origin: https://evil.example.com');
    expect(await reasonOf({ ...input, message: originEdited })).toBe('bad_signature');

    // An expiry pushed out no longer matches the stored challenge.
    const extended = input.message.replace('00:05:00.000Z', '00:04:59.000Z');
    expect(await reasonOf({ ...input, message: extended })).toBe('malformed');
  });

  it('rejects a message naming another DID, or a challenge issued for another DID', async () => {
    const stranger = makeWallet();
    const forStranger = createLoginChallenge({
      domain: DOMAIN,
      origin: ORIGIN,
      now: NOW,
      did: stranger.toDid(),
    });
    const wallet = makeWallet();
    // Signed directly: `signLoginChallenge` itself refuses a challenge naming another DID.
    const signature = await wallet.sign(Buffer.from(forStranger.message, 'utf8'), true, 'hex');
    const signedByWallet = {
      did: wallet.toDid(),
      publicKey: wallet.publicKey,
      signature,
      message: forStranger.message,
      challenge: { ...stored(forStranger), did: stranger.toDid() },
      expectedDomain: DOMAIN,
      now: LATER,
    };
    expect(await reasonOf(signedByWallet)).toBe('malformed');
    // The same signature is fine once the DID is not pinned anywhere: the check above is what refused it.
    const unpinned = createLoginChallenge({ domain: DOMAIN, origin: ORIGIN, now: NOW });
    const ok = await signLoginChallenge(wallet, unpinned.message);
    expect(
      await reasonOf({ ...signedByWallet, ...ok, message: unpinned.message, challenge: stored(unpinned) }),
    ).toBe(`ok:${wallet.toDid()}`);

    const { input } = await setup();
    expect(await reasonOf({ ...input, challenge: { ...input.challenge, did: stranger.toDid() } })).toBe(
      'malformed',
    );
  });

  it('rejects malformed DIDs, keys, signatures and messages', async () => {
    const { input } = await setup();
    const cases: Partial<VerifyLoginSignatureInput>[] = [
      { did: '' },
      { did: 'did:abt:nonsense' },
      { did: `did:afs:${input.did.slice(8)}` },
      { did: `${input.did.slice(0, -1)}${input.did.endsWith('a') ? 'b' : 'a'}` },
      { publicKey: '' },
      { publicKey: 'not a key' },
      { publicKey: input.publicKey.slice(0, -2) },
      { publicKey: `${input.publicKey}00` },
      { publicKey: Buffer.from(input.publicKey.slice(2), 'hex').toString('base64url') },
      { signature: '' },
      { signature: '0x' },
      { signature: input.signature.slice(0, 20) },
      { signature: `${input.signature}${'00'.repeat(80)}` },
      { signature: Buffer.from(input.signature.slice(2), 'hex').toString('base64') },
      { message: 'please sign in' },
      { message: input.message.replaceAll('\n', '\r\n') },
      { message: `${input.message}\nDomain: ${DOMAIN}` },
    ];
    for (const edit of cases) {
      expect({ edit, reason: await reasonOf({ ...input, ...edit }) }).toEqual({ edit, reason: 'malformed' });
    }
  });

  it('checks shape first, then domain, then expiry, then replay, then the cryptography', async () => {
    const { input } = await setup();
    const expired = { now: new Date('2030-01-01T00:00:00.000Z') };
    const used = { challenge: { ...input.challenge, usedAt: LATER } };
    const usedAndExpired = { ...expired, challenge: used.challenge };
    const badSignature = { signature: flipByteAt(input.signature, (input.signature.length - 2) / 2 - 1) };
    const otherDomain = { expectedDomain: 'other.example.com' };

    expect(await reasonOf({ ...input, ...usedAndExpired, publicKey: 'junk' })).toBe('malformed');
    expect(await reasonOf({ ...input, ...usedAndExpired, ...otherDomain })).toBe('wrong_domain');
    // An old captured sign-in reads "expired", never confirming that it was used.
    expect(await reasonOf({ ...input, ...usedAndExpired })).toBe('expired');
    expect(await reasonOf({ ...input, ...used, ...badSignature })).toBe('replayed');
    expect(await reasonOf({ ...input, ...badSignature, publicKey: flipByteAt(input.publicKey, 10) })).toBe(
      'wrong_key',
    );
  });
});

describe('verifyLoginSignature and unsupported DIDs', () => {
  it('refuses a well-formed DID whose key type we do not verify, before looking at key or signature', async () => {
    const passkeyDid = fromPublicKeyHash(`0x${'11'.repeat(32)}`, {
      role: types.RoleType.ROLE_PASSKEY,
      pk: types.KeyType.PASSKEY,
      hash: types.HashType.SHA2,
      address: types.EncodingType.BASE58,
    });
    const challenge = createLoginChallenge({ domain: DOMAIN, origin: ORIGIN, now: NOW });
    const input = {
      did: `did:abt:${passkeyDid}`,
      publicKey: `0x${'11'.repeat(32)}`,
      signature: `0x${'22'.repeat(64)}`,
      message: challenge.message,
      challenge: stored(challenge),
      expectedDomain: DOMAIN,
      now: LATER,
    };
    expect(await reasonOf(input)).toBe('unsupported_key_type');
  });

  it('takes the algorithm from the DID: an ed25519 key under a secp256k1 DID is malformed', async () => {
    const ed = fromRandom();
    const k1 = fromRandom(SECP256K1);
    const challenge = createLoginChallenge({ domain: DOMAIN, origin: ORIGIN, now: NOW });
    const proof = await signLoginChallenge(ed, challenge.message);
    const input = {
      ...proof,
      did: k1.toDid(),
      message: challenge.message,
      challenge: stored(challenge),
      expectedDomain: DOMAIN,
      now: LATER,
    };
    expect(await reasonOf(input)).toBe('malformed');
  });
});

describe('signLoginChallenge', () => {
  it('refuses to sign text that is not a challenge', async () => {
    await expect(signLoginChallenge(fromRandom(), 'Transfer 100 ABT to z1abc')).rejects.toMatchObject({
      kind: 'did_auth',
      reason: 'malformed',
    });
  });

  it('refuses to sign a challenge issued for another DID', async () => {
    const challenge = createLoginChallenge({ domain: DOMAIN, origin: ORIGIN, did: fromRandom().toDid() });
    await expect(signLoginChallenge(fromRandom(), challenge.message)).rejects.toMatchObject({
      reason: 'malformed',
    });
  });

  it('returns the canonical forms: normalized DID and 0x-lowercase hex', async () => {
    const wallet = fromRandom(SECP256K1);
    const challenge = createLoginChallenge({ domain: DOMAIN, origin: ORIGIN });
    const proof = await signLoginChallenge(wallet, challenge.message);
    expect(proof.did).toBe(wallet.toDid());
    expect(proof.publicKey).toBe(wallet.publicKey.toLowerCase());
    expect(proof.signature).toMatch(/^0x[0-9a-f]+$/);
  });
});
