import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
// Legacy ciphertext made by the real @blocklet/sdk (a devDependency of packages/core), as an AIGNE Hub wrote it.
import { encrypt as sdkEncrypt } from '@blocklet/sdk/lib/security/index.js';
import { Keyring, ValidationError, decryptCredentialValue } from '@aigne-hub/core';
import { asc, credentials, modelRates, openDatabase, providers, type HubDatabases } from '@aigne-hub/db';
import { createTestDatabases } from '@aigne-hub/db/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importAigneHub } from './aigne-hub-import';
import { readAigneHubDatabase } from './aigne-hub-source';
import type { LegacyKey } from './legacy-secret';
import { SAMPLE_AIGNE_HUB_SECRETS, sampleAigneHub, writeAigneHubDatabase } from './test-support';

const LEGACY: LegacyKey = {
  appEk: 'e3b0c44298fc1c149afbf4c8996fb924',
  did: 'zNKjDm4Xsoaffn3Nvrd8xAGL1sJJjUcbxmqt',
};
const keyring = new Keyring([Buffer.alloc(32, 0x55)]);

let dir: string;
let file: string;
let dbs: HubDatabases;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigne-import-'));
  file = path.join(dir, 'aikit.db');
  writeAigneHubDatabase(
    file,
    sampleAigneHub((text) => sdkEncrypt(text, LEGACY.appEk, LEGACY.did)),
  );
  dbs = createTestDatabases();
});
afterEach(() => {
  dbs.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const attached = () =>
  (dbs.hub.sqlite.prepare('PRAGMA database_list').all() as { name: string }[]).map((d) => d.name);

describe('readAigneHubDatabase', () => {
  it('reads the three tables and detaches the file again', () => {
    const snapshot = readAigneHubDatabase(dbs.hub.sqlite, file);
    expect(snapshot.providers).toEqual([
      { id: 'p-openai', name: 'openai', displayName: 'OpenAI', baseUrl: null, region: null, enabled: true },
      {
        id: 'p-bedrock',
        name: 'bedrock',
        displayName: 'AWS Bedrock',
        baseUrl: null,
        region: 'us-east-1',
        enabled: true,
      },
      {
        id: 'p-anthropic',
        name: 'anthropic',
        displayName: 'Anthropic',
        baseUrl: 'https://api.anthropic.com',
        region: null,
        enabled: false,
      },
      { id: 'p-doubao', name: 'doubao', displayName: 'Doubao', baseUrl: null, region: null, enabled: true },
    ]);
    expect(snapshot.credentials).toHaveLength(6);
    expect(snapshot.credentials[1]).toMatchObject({
      id: 'cred-openai-2',
      active: false,
      weight: 50,
      type: 'api_key',
    });
    expect(snapshot.modelRates.find((rate) => rate.model === 'gpt-4o')).toEqual({
      providerId: 'p-openai',
      model: 'gpt-4o',
      type: 'chatCompletion',
      inputRate: 0.0000025,
      outputRate: 0.00001,
      cacheReadRate: 0.00000125,
      cacheWriteRate: 0.000003,
      deprecated: false,
    });
    expect(snapshot.modelRates.find((rate) => rate.model === 'anthropic.claude-3-5-sonnet')?.inputRate).toBe(
      0.000003,
    );
    expect(attached()).toEqual(['main']);
  });

  it('refuses a missing file without creating it, a file that is not SQLite, and a database without AIGNE Hub tables', () => {
    const missing = path.join(dir, 'nope.db');
    expect(() => readAigneHubDatabase(dbs.hub.sqlite, missing)).toThrow(
      new ValidationError(`${missing} does not exist`),
    );
    expect(fs.existsSync(missing)).toBe(false);

    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(
      text,
      'just some text, long enough to not be mistaken for an empty database file'.repeat(20),
    );
    expect(() => readAigneHubDatabase(dbs.hub.sqlite, text)).toThrow(`${text} is not a SQLite database`);

    const other = path.join(dir, 'other.db');
    openDatabase('hub', other).close();
    expect(() => readAigneHubDatabase(dbs.hub.sqlite, other)).toThrow(
      `${other} is not an AIGNE Hub database (no AiProviders table)`,
    );
    expect(attached()).toEqual(['main']);
  });
});

describe('importAigneHub', () => {
  const run = (legacy: LegacyKey = LEGACY) => {
    const snapshot = readAigneHubDatabase(dbs.hub.sqlite, file);
    return dbs.hub.db.transaction((tx) => importAigneHub(tx, keyring, snapshot, legacy));
  };

  it('imports supported providers, their credentials re-encrypted under this hub, and their model rates', () => {
    const result = run();
    expect(result.importedProviders).toEqual(['openai', 'bedrock', 'anthropic']);
    expect(result.skippedProviders).toEqual([
      { name: 'doubao', reason: 'unsupported_kind', credentialCount: 1 },
    ]);
    expect(result.importedCredentials.map((imported) => imported.sourceId)).toEqual([
      'cred-openai-1',
      'cred-openai-2',
      'cred-bedrock',
      'cred-anthropic',
    ]);
    expect(result.plaintextFieldCount).toBe(1);
    expect(result.failures).toEqual([]);
    expect(result.orphanCredentialIds).toEqual(['cred-orphan']);
    expect(result.importedModelRates).toBe(5);
    expect(result.skippedModelRates).toBe(3);

    const db = dbs.hub.db;
    const byName = new Map(
      db
        .select()
        .from(providers)
        .all()
        .map((row) => [row.name, row]),
    );
    expect([...byName.keys()].sort()).toEqual(['anthropic', 'bedrock', 'openai']);
    expect(byName.get('bedrock')).toMatchObject({
      kind: 'bedrock',
      displayName: 'AWS Bedrock',
      region: 'us-east-1',
    });
    expect(byName.get('anthropic')).toMatchObject({ enabled: false, baseUrl: 'https://api.anthropic.com' });

    for (const { sourceId, id } of result.importedCredentials) {
      const row = db
        .select()
        .from(credentials)
        .all()
        .find((credential) => credential.id === id)!;
      // Every secret is a v1 envelope bound to the new id, and decrypts to what AIGNE Hub held.
      for (const field of ['api_key', 'secret_access_key'] as const) {
        if (row.value[field] !== undefined) expect(row.value[field]).toMatch(/^v1:/);
      }
      expect(decryptCredentialValue(keyring, id, row.value)).toEqual(
        SAMPLE_AIGNE_HUB_SECRETS[sourceId as keyof typeof SAMPLE_AIGNE_HUB_SECRETS],
      );
    }
    const spare = db
      .select()
      .from(credentials)
      .all()
      .find((row) => row.id === result.importedCredentials[1]!.id)!;
    expect(spare).toMatchObject({
      name: 'spare',
      enabled: false,
      weight: 50,
      providerId: byName.get('openai')!.id,
    });
    const aws = db
      .select()
      .from(credentials)
      .all()
      .find((row) => row.id === result.importedCredentials[2]!.id)!;
    expect(aws).toMatchObject({ type: 'access_key_pair' });
    expect(aws.value.access_key_id).toBe('AKIAIOSFODNN7EXAMPLE');

    const rates = db
      .select({
        provider: modelRates.provider,
        model: modelRates.model,
        type: modelRates.type,
        inputRate: modelRates.inputRate,
        outputRate: modelRates.outputRate,
        cacheReadRate: modelRates.cacheReadRate,
        cacheWriteRate: modelRates.cacheWriteRate,
        deprecated: modelRates.deprecated,
      })
      .from(modelRates)
      .orderBy(asc(modelRates.model))
      .all();
    expect(rates).toEqual([
      {
        provider: 'bedrock',
        model: 'anthropic.claude-3-5-sonnet',
        type: 'chat',
        inputRate: 0.000003,
        outputRate: 0.000015,
        cacheReadRate: null,
        cacheWriteRate: null,
        deprecated: false,
      },
      {
        provider: 'anthropic',
        model: 'claude-2',
        type: 'chat',
        inputRate: 0.000008,
        outputRate: 0.000024,
        cacheReadRate: null,
        cacheWriteRate: null,
        deprecated: true,
      },
      {
        provider: 'openai',
        model: 'dall-e-3',
        type: 'image',
        inputRate: 0,
        outputRate: 0.04,
        cacheReadRate: null,
        cacheWriteRate: null,
        deprecated: false,
      },
      {
        provider: 'openai',
        model: 'gpt-4o',
        type: 'chat',
        inputRate: 0.0000025,
        outputRate: 0.00001,
        cacheReadRate: 0.00000125,
        cacheWriteRate: 0.000003,
        deprecated: false,
      },
      {
        provider: 'openai',
        model: 'text-embedding-3-small',
        type: 'embedding',
        inputRate: 0.00000002,
        outputRate: 0,
        cacheReadRate: null,
        cacheWriteRate: null,
        deprecated: false,
      },
    ]);
  });

  it('run again, imports nothing twice', () => {
    run();
    const counts = () =>
      dbs.hub.sqlite
        .prepare(
          'SELECT (SELECT count(*) FROM providers) p, (SELECT count(*) FROM credentials) c, (SELECT count(*) FROM model_rates) r',
        )
        .get();
    const before = counts();
    const again = run();
    expect(again.importedProviders).toEqual([]);
    expect(again.skippedProviders.map((skipped) => [skipped.name, skipped.reason])).toEqual([
      ['openai', 'exists'],
      ['bedrock', 'exists'],
      ['anthropic', 'exists'],
      ['doubao', 'unsupported_kind'],
    ]);
    expect(again.importedCredentials).toEqual([]);
    expect(again.importedModelRates).toBe(0);
    expect(again.skippedModelRates).toBe(8);
    expect(counts()).toEqual(before);
  });

  it('with the wrong key, reports every encrypted credential as failed and writes none of them', () => {
    const result = run({ appEk: 'the-wrong-ek', did: LEGACY.did });
    expect(result.failures).toEqual([
      { credentialId: 'cred-openai-1', field: 'api_key', reason: 'legacy_failed' },
      { credentialId: 'cred-openai-2', field: 'api_key', reason: 'legacy_failed' },
      { credentialId: 'cred-bedrock', field: 'secret_access_key', reason: 'legacy_failed' },
    ]);
    // Only the credential that was stored unencrypted could be imported.
    expect(result.importedCredentials.map((imported) => imported.sourceId)).toEqual(['cred-anthropic']);
    expect(dbs.hub.sqlite.prepare('SELECT count(*) AS n FROM credentials').get()).toEqual({ n: 1 });
  });
});
