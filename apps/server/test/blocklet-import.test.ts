// Credentials an older AIGNE Hub encrypted with @blocklet/sdk `security.encrypt` (the real SDK makes the
// ciphertext here), read and re-encrypted under the hub's keyring when the hub starts under Blocklet Server.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encrypt as sdkEncrypt } from '@blocklet/sdk/lib/security/index.js';
import { decryptCredentialValue, type StoredCredentialValue } from '@aigne-hub/core';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AIGNE_HUB_DATABASE_FILE, AIGNE_HUB_IMPORT_MARKER } from '../src/blocklet/start';
import { loadEnv } from '../src/env';
import { startHub, type RunningHub } from '../src/hub';
import {
  SAMPLE_AIGNE_HUB_SECRETS,
  insertProvider,
  insertRawCredential,
  sampleAigneHub,
  storedCredential,
  writeAigneHubDatabase,
} from '../src/keys/test-support';
import { openExistingHub } from '../src/runtime/offline';
import { setProcessEnv, simulateBlockletServer, type SimulatedBlockletServer } from './blocklet-server';

const silent = pino({ level: 'silent' });

let root: string;
let blocklet: SimulatedBlockletServer;
let dataDir: string;
let restoreEnv: () => void;
const running: RunningHub[] = [];

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-blocklet-import-'));
  blocklet = simulateBlockletServer({ root, port: 0 });
  dataDir = blocklet.env.BLOCKLET_DATA_DIR!;
  fs.mkdirSync(dataDir, { recursive: true });
  restoreEnv = setProcessEnv(blocklet.env);
});
afterEach(async () => {
  for (const hub of running.splice(0)) await hub.close();
  restoreEnv();
  fs.rmSync(root, { recursive: true, force: true });
});

const env = () => loadEnv({ ...blocklet.env, HOST: '127.0.0.1', HUB_WEB_DIR: path.join(root, 'no-web') });

async function start(): Promise<RunningHub> {
  const hub = await startHub(env(), { logger: silent });
  running.push(hub);
  return hub;
}

async function stop(hub: RunningHub): Promise<void> {
  running.splice(running.indexOf(hub), 1);
  await hub.close();
}

/** What @blocklet/sdk's `security.encrypt` makes with this app's BLOCKLET_APP_EK and BLOCKLET_DID. */
const appEncrypt = (text: string) => sdkEncrypt(text, blocklet.appEk, blocklet.did);
/** The same, with another app's key. */
const otherAppEncrypt = (text: string) =>
  sdkEncrypt(text, simulateBlockletServer({ root, port: 0 }).appEk, blocklet.did);

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function rows(hub: RunningHub, sql: string, ...params: unknown[]) {
  return hub.services.hubDb.$client.prepare(sql).all(...params) as Record<string, unknown>[];
}

function importEvents(hub: RunningHub) {
  return rows(
    hub,
    "SELECT outcome, reason, via, details FROM audit_events WHERE action = 'keys.importBlocklet' ORDER BY seq",
  ).map((row) => ({ ...row, details: JSON.parse(row.details as string) as Record<string, unknown> }));
}

describe("AIGNE Hub's database in the data folder (Blocklet Server installed the hub over AIGNE Hub)", () => {
  const sourceIdByName: Record<string, keyof typeof SAMPLE_AIGNE_HUB_SECRETS> = {
    main: 'cred-openai-1',
    spare: 'cred-openai-2',
    aws: 'cred-bedrock',
    claude: 'cred-anthropic',
  };

  it('imports providers, model rates and credentials at the first start, re-encrypted under the derived key', async () => {
    const aikit = path.join(dataDir, AIGNE_HUB_DATABASE_FILE);
    writeAigneHubDatabase(aikit, sampleAigneHub(appEncrypt));
    const before = sha256(aikit);

    const hub = await start();
    expect(hub.blocklet?.aigneHub).toEqual({
      status: 'imported',
      importedProviders: ['openai', 'bedrock', 'anthropic'],
      credentialCount: 4,
      importedModelRates: 5,
    });
    const stored = rows(hub, 'SELECT id, name, value FROM credentials ORDER BY name');
    expect(stored.map((row) => row.name)).toEqual(['aws', 'claude', 'main', 'spare']);
    for (const row of stored) {
      const value = JSON.parse(row.value as string) as StoredCredentialValue;
      const secretFields = Object.entries(value).filter(([field]) => field !== 'access_key_id');
      // Every secret is now an envelope under the key derived from BLOCKLET_APP_EK + BLOCKLET_DID.
      for (const [, secret] of secretFields) {
        expect(secret).toMatch(new RegExp(`^v1:${hub.keys.keyring.activeKeyId}:`));
      }
      expect(decryptCredentialValue(hub.keys.keyring, row.id as string, value)).toEqual(
        SAMPLE_AIGNE_HUB_SECRETS[sourceIdByName[row.name as string]!],
      );
    }
    expect(importEvents(hub)).toEqual([
      {
        outcome: 'success',
        reason: null,
        via: 'system',
        details: expect.objectContaining({
          mode: 'aigne-hub',
          trigger: 'start',
          file: 'aikit.db',
          importedProviders: ['openai', 'bedrock', 'anthropic'],
          skippedProviders: [{ name: 'doubao', reason: 'unsupported_kind' }],
          credentialCount: 4,
          plaintextFieldCount: 1,
          importedModelRates: 5,
        }),
      },
    ]);
    // AIGNE Hub's file is only read: going back to AIGNE Hub stays possible.
    expect(sha256(aikit)).toBe(before);

    // A provider an admin removes afterwards does not come back at the next start.
    hub.services.hubDb.$client
      .prepare(
        "DELETE FROM credentials WHERE provider_id = (SELECT id FROM providers WHERE name = 'anthropic')",
      )
      .run();
    hub.services.hubDb.$client.prepare("DELETE FROM providers WHERE name = 'anthropic'").run();
    await stop(hub);
    const again = await start();
    expect(again.blocklet?.aigneHub).toEqual({ status: 'done-before' });
    expect(rows(again, 'SELECT name FROM providers ORDER BY name').map((row) => row.name)).toEqual([
      'bedrock',
      'openai',
    ]);
    expect(importEvents(again)).toHaveLength(1);
    expect(
      rows(again, 'SELECT name FROM system_secrets WHERE name = ?', AIGNE_HUB_IMPORT_MARKER),
    ).toHaveLength(1);
  });

  it("imports nothing when the credentials do not open with this app's key, and still starts", async () => {
    writeAigneHubDatabase(path.join(dataDir, AIGNE_HUB_DATABASE_FILE), sampleAigneHub(otherAppEncrypt));
    const hub = await start();
    expect(hub.blocklet?.aigneHub).toEqual({
      status: 'failed',
      reason: "3 credential(s) could not be decrypted with this app's key; nothing was imported",
      failedCredentialIds: ['cred-openai-1', 'cred-openai-2', 'cred-bedrock'],
    });
    expect(rows(hub, 'SELECT count(*) AS n FROM providers')).toEqual([{ n: 0 }]);
    expect(rows(hub, 'SELECT count(*) AS n FROM model_rates')).toEqual([{ n: 0 }]);
    expect(rows(hub, 'SELECT name FROM system_secrets WHERE name = ?', AIGNE_HUB_IMPORT_MARKER)).toEqual([]);
    expect(importEvents(hub)).toEqual([
      {
        outcome: 'error',
        reason: "3 credential(s) could not be decrypted with this app's key; nothing was imported",
        via: 'system',
        details: {
          mode: 'aigne-hub',
          trigger: 'start',
          file: 'aikit.db',
          failedCredentialIds: ['cred-openai-1', 'cred-openai-2', 'cred-bedrock'],
        },
      },
    ]);
    const health = await fetch(`http://127.0.0.1:${hub.port}/api/health`);
    expect(health.status).toBe(200);
  });

  it('says so when aikit.db is not an AIGNE Hub database, and starts', async () => {
    fs.writeFileSync(path.join(dataDir, AIGNE_HUB_DATABASE_FILE), 'not sqlite at all '.repeat(100));
    const hub = await start();
    expect(hub.blocklet?.aigneHub).toEqual({
      status: 'failed',
      reason: `${path.join(dataDir, AIGNE_HUB_DATABASE_FILE)} is not a SQLite database`,
      failedCredentialIds: [],
    });
  });

  it('does nothing when there is no aikit.db', async () => {
    const hub = await start();
    expect(hub.blocklet).toEqual({
      aigneHub: { status: 'absent' },
      legacy: { credentialIds: [], fieldCount: 0, failedCredentialIds: [] },
    });
    expect(importEvents(hub)).toEqual([]);
  });
});

describe('legacy ciphertext already in the hub’s own credentials', () => {
  it('re-encrypts what opens with this app’s key and leaves the rest exactly as it was', async () => {
    await stop(await start());
    const offline = openExistingHub(env(), silent);
    let good: string;
    let foreign: string;
    let foreignValue: Record<string, unknown>;
    try {
      const db = offline.services.hubDb;
      const provider = insertProvider(db, 'bedrock', 'bedrock');
      good = insertRawCredential(db, provider, {
        access_key_id: 'AKIAIOSFODNN7EXAMPLE',
        secret_access_key: appEncrypt('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'),
      });
      foreignValue = { api_key: otherAppEncrypt('sk-proj-notThisAppsKey0123') };
      foreign = insertRawCredential(db, provider, foreignValue);
    } finally {
      offline.close();
    }

    const hub = await start();
    expect(hub.blocklet?.legacy).toEqual({
      credentialIds: [good],
      fieldCount: 1,
      failedCredentialIds: [foreign],
    });
    const converted = storedCredential(hub.services.hubDb, good);
    expect(converted.value.secret_access_key).toMatch(/^v1:/);
    expect(decryptCredentialValue(hub.keys.keyring, good, converted.value)).toEqual({
      access_key_id: 'AKIAIOSFODNN7EXAMPLE',
      secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    });
    expect(storedCredential(hub.services.hubDb, foreign).value).toEqual(foreignValue);
    expect(importEvents(hub)).toEqual([
      {
        outcome: 'success',
        reason: null,
        via: 'system',
        details: {
          mode: 'in-place',
          trigger: 'start',
          credentialCount: 1,
          credentialIds: [good],
          fieldCount: 1,
          failedCredentialIds: [foreign],
        },
      },
    ]);
  });
});
