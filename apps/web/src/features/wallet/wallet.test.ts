import { formatLoginMessage, signLoginChallenge, verifyLoginSignature } from '@aigne-hub/core';
import { fromSecretKey } from '@ocap/wallet';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  checkChallenge,
  createWallet,
  forgetWallet,
  KEY_FILE_FORMAT,
  keyFileName,
  loadWallet,
  parseKeyFile,
  saveWallet,
  signChallenge,
  toKeyFile,
  WALLET_STORAGE_KEY,
  type StoredWallet,
} from './wallet';

/** A fixed key and what it must produce: the DID, and the signature core's `signLoginChallenge` gives. */
const VECTOR = {
  secretKey: `0x${'07'.repeat(32)}`,
  did: 'did:abt:z1bNj6aF8PRNSBrdC8hEF6kXBL5pTkR7t8J',
  publicKey: '0xea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c',
  signature:
    '0x1208bb6b34b9c3f8fc1990cadacbbd22946aab16120463aa20b315f00ebdc52918f9874e2936cc63d978d55ffac631033174463bd279fbbfce80dcf75c8f730a',
};

function challengeFor(did: string | null, now = new Date('2025-01-01T00:00:00.000Z')) {
  const fields = {
    domain: 'localhost:8090',
    origin: 'http://localhost:8090',
    did,
    nonce: 'q0b9V1h8x6Zl3rGmT4uYwE2sK7dJ5fNc',
    issuedAt: now,
    expiresAt: new Date(now.getTime() + 5 * 60_000),
  };
  return { fields, message: formatLoginMessage(fields) };
}

const vectorWallet = (): StoredWallet =>
  parseKeyFile(JSON.stringify({ format: KEY_FILE_FORMAT, did: VECTOR.did, secretKey: VECTOR.secretKey }));

beforeEach(() => localStorage.clear());

describe('signChallenge', () => {
  it('produces the known signature for a fixed key', async () => {
    const proof = await signChallenge(vectorWallet(), challengeFor(VECTOR.did).message);
    expect(proof).toEqual({ did: VECTOR.did, publicKey: VECTOR.publicKey, signature: VECTOR.signature });
  });

  it('signs exactly as core does, and the hub verifies it', async () => {
    const stored = createWallet();
    const { fields, message } = challengeFor(stored.did);
    const ours = await signChallenge(stored, message);
    const core = await signLoginChallenge(fromSecretKey(stored.secretKey), message);
    expect(ours).toEqual(core);
    await expect(
      verifyLoginSignature({
        ...ours,
        message,
        challenge: {
          nonce: fields.nonce,
          domain: fields.domain,
          expiresAt: fields.expiresAt,
          did: stored.did,
        },
        expectedDomain: 'localhost:8090',
        now: new Date('2025-01-01T00:01:00.000Z'),
      }),
    ).resolves.toBe(stored.did);
  });

  it('signs a challenge made before the DID was known', async () => {
    await expect(signChallenge(vectorWallet(), challengeFor(null).message)).resolves.toMatchObject({
      did: VECTOR.did,
    });
  });

  it('refuses to sign anything but a challenge for its own DID', async () => {
    const wallet = vectorWallet();
    await expect(signChallenge(wallet, 'Transfer all my tokens')).rejects.toThrow(
      'This is not a sign-in challenge of the hub',
    );
    await expect(signChallenge(wallet, challengeFor(createWallet().did).message)).rejects.toThrow(
      'The challenge names another DID',
    );
    const extra = `${challengeFor(VECTOR.did).message}\nAmount: 100`;
    expect(() => checkChallenge(extra, VECTOR.did)).toThrow('This is not a sign-in challenge of the hub');
    const missing = challengeFor(VECTOR.did).message.replace(/\nNonce: .*/, '');
    expect(() => checkChallenge(missing, VECTOR.did)).toThrow('This is not a sign-in challenge of the hub');
  });
});

describe('key files', () => {
  it('round-trips a wallet through a key file', () => {
    const stored = createWallet(new Date('2025-03-01T10:00:00.000Z'));
    expect(stored.did).toMatch(/^did:abt:z[1-9A-HJ-NP-Za-km-z]+$/);
    expect(stored.secretKey).toMatch(/^0x[0-9a-f]+$/);
    expect(stored.backedUpAt).toBeNull();
    const file = toKeyFile(stored);
    expect(JSON.parse(file)).toMatchObject({ format: KEY_FILE_FORMAT, version: 1, did: stored.did });
    const back = parseKeyFile(file, new Date('2025-03-02T00:00:00.000Z'));
    expect(back).toEqual({ ...stored, backedUpAt: '2025-03-02T00:00:00.000Z' });
    expect(keyFileName(stored)).toBe(`aigne-hub-key-${stored.did.slice(-8)}.json`);
  });

  it("reads @ocap/wallet's own serialisation", () => {
    const json = fromSecretKey(VECTOR.secretKey).toJSON();
    expect(parseKeyFile(JSON.stringify(json))).toMatchObject({
      did: VECTOR.did,
      publicKey: VECTOR.publicKey,
    });
  });

  it('refuses files that are not key files or do not hold together', () => {
    expect(() => parseKeyFile('not json')).toThrow('The file is not a key file (it is not JSON)');
    expect(() => parseKeyFile('{"hello":1}')).toThrow('it has no secret key and DID');
    expect(() =>
      parseKeyFile(
        JSON.stringify({ format: KEY_FILE_FORMAT, did: createWallet().did, secretKey: VECTOR.secretKey }),
      ),
    ).toThrow('The key in the key file does not belong to its DID');
    expect(() =>
      parseKeyFile(
        JSON.stringify({ format: KEY_FILE_FORMAT, did: 'did:abt:zNotADid', secretKey: VECTOR.secretKey }),
      ),
    ).toThrow('not a valid ABT DID');
    expect(() =>
      parseKeyFile(
        JSON.stringify({
          format: KEY_FILE_FORMAT,
          did: VECTOR.did,
          secretKey: VECTOR.secretKey,
          publicKey: `0x${'00'.repeat(32)}`,
        }),
      ),
    ).toThrow('The public key in the key file does not match its secret key');
  });
});

describe('storage', () => {
  it('keeps, reloads and forgets the wallet', () => {
    expect(loadWallet()).toBeNull();
    const stored = createWallet();
    saveWallet(stored);
    expect(loadWallet()).toEqual(stored);
    forgetWallet();
    expect(loadWallet()).toBeNull();
  });

  it('treats unreadable or inconsistent stored data as no wallet', () => {
    localStorage.setItem(WALLET_STORAGE_KEY, '{broken');
    expect(loadWallet()).toBeNull();
    localStorage.setItem(
      WALLET_STORAGE_KEY,
      JSON.stringify({ ...createWallet(), secretKey: VECTOR.secretKey }),
    );
    expect(loadWallet()).toBeNull();
  });
});
