// Legacy ciphertext made by the real @blocklet/sdk (a devDependency of packages/core), as an AIGNE Hub wrote it.
import { encrypt as sdkEncrypt } from '@blocklet/sdk/lib/security/index.js';
import { Keyring, credentialValueKeyIds, decryptCredentialValue, masterKeyId } from '@aigne-hub/core';
import type { HubDatabases } from '@aigne-hub/db';
import { createTestDatabases } from '@aigne-hub/db/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reencryptLegacyCredentials } from './legacy-credentials';
import { looksLikeSecret, openLegacySecret, type LegacyKey } from './legacy-secret';
import { insertCredential, insertProvider, insertRawCredential, storedCredential } from './test-support';

const LEGACY: LegacyKey = {
  appEk: '0x3b5f6a1c9e2d4f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a',
  did: 'zNKtCNqYWLYWYW3gWRA1vnRykfCBZYHZvzKr',
};
const WRONG: LegacyKey = { appEk: 'not-the-app-ek', did: LEGACY.did };
const keyring = new Keyring([Buffer.alloc(32, 0x42)]);
const legacyEncrypt = (text: string, key: LegacyKey = LEGACY) => sdkEncrypt(text, key.appEk, key.did);

describe('openLegacySecret', () => {
  it('opens what @blocklet/sdk wrote', () => {
    const ciphertext = legacyEncrypt('sk-proj-abcdefghijklmnop');
    expect(ciphertext.startsWith('U2FsdGVkX1')).toBe(true);
    expect(openLegacySecret(ciphertext, LEGACY)).toEqual({ ok: true, secret: 'sk-proj-abcdefghijklmnop' });
  });

  it('refuses a wrong key, and a plaintext that cannot be a provider secret', () => {
    expect(openLegacySecret(legacyEncrypt('sk-proj-abcdefghijklmnop'), WRONG)).toEqual({
      ok: false,
      reason: 'legacy_failed',
    });
    expect(openLegacySecret(legacyEncrypt('two words'), LEGACY)).toEqual({
      ok: false,
      reason: 'implausible',
    });
    expect(openLegacySecret(legacyEncrypt('line\nbreak'), LEGACY)).toEqual({
      ok: false,
      reason: 'implausible',
    });
  });

  it('looksLikeSecret accepts API keys and AWS secret keys only', () => {
    expect(looksLikeSecret('sk-ant-api03-AbC_123')).toBe(true);
    expect(looksLikeSecret('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe(true);
    expect(looksLikeSecret('')).toBe(false);
    expect(looksLikeSecret('has space')).toBe(false);
    expect(looksLikeSecret('caf\u00e9')).toBe(false);
    expect(looksLikeSecret('x'.repeat(4097))).toBe(false);
  });
});

describe('reencryptLegacyCredentials', () => {
  let dbs: HubDatabases;
  let provider: string;
  beforeEach(() => {
    dbs = createTestDatabases();
    provider = insertProvider(dbs.hub.db, 'bedrock', 'bedrock');
  });
  afterEach(() => dbs.close());

  it('re-encrypts every legacy secret field into an envelope bound to its credential, leaving others alone', () => {
    const db = dbs.hub.db;
    const legacyPair = insertRawCredential(db, provider, {
      access_key_id: 'AKIAIOSFODNN7EXAMPLE',
      secret_access_key: legacyEncrypt('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
    });
    const legacyKey = insertRawCredential(db, provider, { api_key: legacyEncrypt('sk-legacy-0123456789') });
    const modern = insertCredential(db, keyring, provider, { api_key: 'sk-modern-0123456789' });
    const modernBefore = storedCredential(db, modern).value;

    const result = db.transaction((tx) => reencryptLegacyCredentials(tx, keyring, LEGACY));
    expect(result).toEqual({ credentialIds: [legacyPair, legacyKey], fieldCount: 2, failures: [] });

    const pair = storedCredential(db, legacyPair).value;
    expect(credentialValueKeyIds(pair)).toEqual([masterKeyId(Buffer.alloc(32, 0x42))]);
    expect(decryptCredentialValue(keyring, legacyPair, pair)).toEqual({
      access_key_id: 'AKIAIOSFODNN7EXAMPLE',
      secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    });
    expect(decryptCredentialValue(keyring, legacyKey, storedCredential(db, legacyKey).value)).toEqual({
      api_key: 'sk-legacy-0123456789',
    });
    expect(storedCredential(db, modern).value).toEqual(modernBefore);

    // Nothing legacy is left: a second run has nothing to do.
    expect(db.transaction((tx) => reencryptLegacyCredentials(tx, keyring, LEGACY))).toEqual({
      credentialIds: [],
      fieldCount: 0,
      failures: [],
    });
  });

  it('leaves a credential untouched when any of its legacy fields does not open, and reports it without content', () => {
    const db = dbs.hub.db;
    const good = insertRawCredential(db, provider, { api_key: legacyEncrypt('sk-good-0123456789') });
    const mixed = insertRawCredential(db, provider, {
      api_key: legacyEncrypt('sk-ok-0123456789'),
      secret_access_key: legacyEncrypt('wJalrXUtnFEMI/K7MDENG', WRONG),
    });
    const mixedBefore = storedCredential(db, mixed).value;

    const result = db.transaction((tx) => reencryptLegacyCredentials(tx, keyring, LEGACY));
    expect(result.credentialIds).toEqual([good]);
    expect(result.failures).toEqual([
      { credentialId: mixed, field: 'secret_access_key', reason: 'legacy_failed' },
    ]);
    expect(storedCredential(db, mixed).value).toEqual(mixedBefore);
    expect(JSON.stringify(result)).not.toContain('wJalr');
  });

  it('with the wrong key, opens nothing', () => {
    const db = dbs.hub.db;
    const ids = ['sk-a-0123456789', 'sk-b-0123456789', 'sk-c-0123456789'].map((secret) =>
      insertRawCredential(db, provider, { api_key: legacyEncrypt(secret) }),
    );
    const result = db.transaction((tx) => reencryptLegacyCredentials(tx, keyring, WRONG));
    expect(result.credentialIds).toEqual([]);
    expect(result.failures.map((failure) => failure.credentialId)).toEqual(ids);
  });
});
