import {
  DecryptionError,
  Keyring,
  credentialValueKeyIds,
  decryptCredentialValue,
  masterKeyId,
} from '@aigne-hub/core';
import { systemSecrets, type HubDatabases } from '@aigne-hub/db';
import { createTestDatabases } from '@aigne-hub/db/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkAllSecrets, reencryptAllSecrets } from './reencrypt';
import { AUDIT_KEY_SECRET, readSystemSecret, writeSystemSecret } from './system-secrets';
import { insertCredential, insertProvider, insertRawCredential, storedCredential } from './test-support';

const A = Buffer.alloc(32, 0xa1);
const B = Buffer.alloc(32, 0xb2);
const oldRing = new Keyring([A]);
const rotated = new Keyring([B, A]);
const onlyNew = new Keyring([B]);

let dbs: HubDatabases;
let ids: { apiKey: string; pair: string; plain: string };

beforeEach(() => {
  dbs = createTestDatabases();
  const db = dbs.hub.db;
  const provider = insertProvider(db, 'openai');
  ids = {
    apiKey: insertCredential(db, oldRing, provider, { api_key: 'sk-live-1234567890abcdef' }),
    pair: insertCredential(
      db,
      oldRing,
      provider,
      { access_key_id: 'AKIAEXAMPLE', secret_access_key: 'wJalrXUtnFEMI/K7MDENG', region: 'us-east-1' },
      'access_key_pair',
    ),
    plain: insertCredential(db, oldRing, provider, { endpoint: 'http://127.0.0.1:11434' }, 'custom'),
  };
  writeSystemSecret(db, oldRing, AUDIT_KEY_SECRET, 'audit-key-material');
  // A fixed, old updated_at, so that a rewrite that touched it would show.
  dbs.hub.sqlite.prepare('UPDATE credentials SET updated_at = 1000').run();
});
afterEach(() => dbs.close());

const expectedCounts = {
  credentialCount: 2,
  credentialFieldCount: 2,
  unchangedCredentialCount: 1,
  systemSecretCount: 1,
  fromKeyIds: [masterKeyId(A)],
};

describe('checkAllSecrets', () => {
  it('counts what a rotation would rewrite, and writes nothing', () => {
    const before = dbs.hub.sqlite.prepare('SELECT id, value FROM credentials ORDER BY id').all();
    const secretsBefore = dbs.hub.db.select().from(systemSecrets).all();
    expect(checkAllSecrets(dbs.hub.db, rotated)).toEqual(expectedCounts);
    expect(dbs.hub.sqlite.prepare('SELECT id, value FROM credentials ORDER BY id').all()).toEqual(before);
    expect(dbs.hub.db.select().from(systemSecrets).all()).toEqual(secretsBefore);
  });
});

describe('reencryptAllSecrets', () => {
  it('moves every secret under the active key, keeping plaintexts, plain fields and updated_at', () => {
    const counts = dbs.hub.db.transaction((tx) => reencryptAllSecrets(tx, rotated));
    expect(counts).toEqual(expectedCounts);

    const db = dbs.hub.db;
    for (const id of [ids.apiKey, ids.pair]) {
      const row = storedCredential(db, id);
      expect(credentialValueKeyIds(row.value)).toEqual([masterKeyId(B)]);
      expect(row.updatedAt.getTime()).toBe(1000);
    }
    // Readable with the new key alone.
    expect(decryptCredentialValue(onlyNew, ids.apiKey, storedCredential(db, ids.apiKey).value)).toEqual({
      api_key: 'sk-live-1234567890abcdef',
    });
    const pair = storedCredential(db, ids.pair).value;
    expect(pair.access_key_id).toBe('AKIAEXAMPLE');
    expect(pair.region).toBe('us-east-1');
    expect(decryptCredentialValue(onlyNew, ids.pair, pair)).toEqual({
      access_key_id: 'AKIAEXAMPLE',
      secret_access_key: 'wJalrXUtnFEMI/K7MDENG',
      region: 'us-east-1',
    });
    expect(storedCredential(db, ids.plain).value).toEqual({ endpoint: 'http://127.0.0.1:11434' });
    expect(readSystemSecret(db, onlyNew, AUDIT_KEY_SECRET)).toBe('audit-key-material');

    // Running it again finds nothing left to do.
    expect(dbs.hub.db.transaction((tx) => reencryptAllSecrets(tx, rotated))).toEqual({
      credentialCount: 0,
      credentialFieldCount: 0,
      unchangedCredentialCount: 3,
      systemSecretCount: 0,
      fromKeyIds: [],
    });
  });

  it('stops at a secret that does not authenticate, naming its credential, and the transaction changes nothing', () => {
    const db = dbs.hub.db;
    // An envelope copied from another credential: the associated data no longer matches.
    const moved = insertRawCredential(db, storedCredential(db, ids.apiKey).providerId, {
      api_key: storedCredential(db, ids.apiKey).value.api_key,
    });
    const attempt = () => db.transaction((tx) => reencryptAllSecrets(tx, rotated));
    expect(attempt).toThrow(DecryptionError);
    expect(attempt).toThrow(`credential ${moved}: Credential field api_key:`);
    try {
      attempt();
    } catch (error) {
      expect((error as DecryptionError).reason).toBe('authentication_failed');
      expect((error as Error).message).not.toContain('sk-live');
    }
    expect(credentialValueKeyIds(storedCredential(db, ids.apiKey).value)).toEqual([masterKeyId(A)]);
    expect(readSystemSecret(db, oldRing, AUDIT_KEY_SECRET)).toBe('audit-key-material');
    expect(checkAllSecrets.bind(null, db, rotated)).toThrow(`credential ${moved}`);
  });

  it('refuses a credential still holding legacy @blocklet/sdk ciphertext (import it first)', () => {
    const db = dbs.hub.db;
    const legacy = insertRawCredential(db, storedCredential(db, ids.apiKey).providerId, {
      api_key: 'U2FsdGVkX1+AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    });
    expect(() => checkAllSecrets(db, rotated)).toThrow(
      expect.objectContaining({
        reason: 'malformed',
        message: expect.stringContaining(`credential ${legacy}`),
      }),
    );
  });

  it('names a system secret that does not open', () => {
    const db = dbs.hub.db;
    dbs.hub.sqlite
      .prepare('UPDATE system_secrets SET value = ? WHERE name = ?')
      .run(
        new Keyring([Buffer.alloc(32, 0x77)]).encrypt('x', `system_secrets:${AUDIT_KEY_SECRET}:value`),
        AUDIT_KEY_SECRET,
      );
    expect(() => db.transaction((tx) => reencryptAllSecrets(tx, rotated))).toThrow(
      `system secret ${AUDIT_KEY_SECRET}: Encrypted value is under key`,
    );
  });
});
