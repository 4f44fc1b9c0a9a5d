/**
 * Test support: providers and credentials written the way the credentials router stores them (core
 * `encryptCredentialValue`, bound to the credential id), straight into the real tables.
 */
import { randomUUID } from 'node:crypto';
import { encryptCredentialValue, type CredentialValue, type Keyring } from '@aigne-hub/core';
import {
  credentials,
  eq,
  openDatabase,
  providers,
  type CredentialType,
  type HubDatabase,
  type ProviderKind,
  type StoredCredentialFields,
} from '@aigne-hub/db';

export function insertProvider(db: HubDatabase, name: string, kind: ProviderKind = 'openai'): string {
  const id = randomUUID();
  db.insert(providers).values({ id, kind, name, displayName: name }).run();
  return id;
}

export function insertCredential(
  db: HubDatabase,
  keyring: Keyring,
  providerId: string,
  value: CredentialValue,
  type: CredentialType = 'api_key',
): string {
  const id = randomUUID();
  db.insert(credentials)
    .values({
      id,
      providerId,
      name: `credential ${id.slice(0, 8)}`,
      type,
      value: encryptCredentialValue(keyring, id, value) as StoredCredentialFields,
    })
    .run();
  return id;
}

/** Writes a value exactly as given (for legacy or damaged values). */
export function insertRawCredential(
  db: HubDatabase,
  providerId: string,
  value: Record<string, unknown>,
): string {
  const id = randomUUID();
  db.insert(credentials)
    .values({ id, providerId, name: 'raw', type: 'api_key', value: value as StoredCredentialFields })
    .run();
  return id;
}

export function storedCredential(db: HubDatabase, id: string) {
  const row = db.select().from(credentials).where(eq(credentials.id, id)).get();
  if (!row) throw new Error(`no credential ${id}`);
  return { ...row, value: row.value as Record<string, unknown> };
}

/** Rows for an AIGNE Hub database, as its Sequelize models store them (booleans 0/1, JSON as text). */
export interface AigneHubFixture {
  providers: {
    id: string;
    name: string;
    displayName: string;
    baseUrl?: string;
    region?: string;
    enabled?: 0 | 1;
  }[];
  credentials: {
    id: string;
    providerId: string;
    name: string;
    credentialValue: Record<string, unknown>;
    credentialType: string;
    active?: 0 | 1;
    weight?: number;
    usageCount?: number;
  }[];
  modelRates: {
    id: string;
    providerId: string;
    model: string;
    type: string;
    inputRate: number | string;
    outputRate: number | string;
    caching?: { readRate?: number; writeRate?: number };
    deprecated?: 0 | 1;
  }[];
}

/** The three tables as Sequelize 6 creates them in SQLite for AIGNE Hub's models (recent version). */
const AIGNE_HUB_DDL = `
CREATE TABLE IF NOT EXISTS \`AiProviders\` (\`id\` VARCHAR(255) NOT NULL PRIMARY KEY, \`name\` VARCHAR(50) NOT NULL UNIQUE,
  \`displayName\` VARCHAR(100) NOT NULL, \`baseUrl\` VARCHAR(500), \`region\` VARCHAR(50), \`enabled\` TINYINT(1) NOT NULL DEFAULT 1,
  \`config\` JSON, \`createdAt\` DATETIME NOT NULL, \`updatedAt\` DATETIME NOT NULL, \`createdBy\` VARCHAR(255));
CREATE TABLE IF NOT EXISTS \`AiCredentials\` (\`id\` VARCHAR(255) NOT NULL PRIMARY KEY, \`providerId\` VARCHAR(255) NOT NULL,
  \`name\` VARCHAR(100) NOT NULL, \`credentialValue\` JSON NOT NULL, \`credentialType\` TEXT NOT NULL DEFAULT 'api_key',
  \`active\` TINYINT(1) NOT NULL DEFAULT 1, \`lastUsedAt\` DATETIME, \`usageCount\` INTEGER NOT NULL DEFAULT 0,
  \`createdAt\` DATETIME NOT NULL, \`updatedAt\` DATETIME NOT NULL, \`error\` VARCHAR(255), \`weight\` INTEGER NOT NULL DEFAULT 100);
CREATE TABLE IF NOT EXISTS \`AiModelRates\` (\`id\` VARCHAR(255) NOT NULL PRIMARY KEY, \`providerId\` VARCHAR(255) NOT NULL,
  \`model\` VARCHAR(100) NOT NULL, \`modelDisplay\` VARCHAR(100) NOT NULL, \`description\` VARCHAR(100), \`type\` TEXT NOT NULL,
  \`unitCosts\` JSON, \`inputRate\` DECIMAL(20,10) NOT NULL DEFAULT 0, \`outputRate\` DECIMAL(20,10) NOT NULL DEFAULT 0,
  \`createdAt\` DATETIME NOT NULL, \`updatedAt\` DATETIME NOT NULL, \`modelMetadata\` JSON, \`caching\` JSON,
  \`deprecated\` TINYINT(1) NOT NULL DEFAULT 0, \`deprecatedAt\` DATETIME, \`deprecatedReason\` VARCHAR(100));
`;

const SEQUELIZE_NOW = '2025-06-01 10:00:00.000 +00:00';

/** Writes an AIGNE Hub database file (aikit.db) holding `fixture`. */
export function writeAigneHubDatabase(file: string, fixture: AigneHubFixture): void {
  const opened = openDatabase('hub', file, { migrate: false });
  try {
    const sqlite = opened.sqlite;
    sqlite.exec(AIGNE_HUB_DDL);
    for (const p of fixture.providers) {
      sqlite
        .prepare(
          'INSERT INTO AiProviders (id, name, displayName, baseUrl, region, enabled, config, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          p.id,
          p.name,
          p.displayName,
          p.baseUrl ?? null,
          p.region ?? null,
          p.enabled ?? 1,
          null,
          SEQUELIZE_NOW,
          SEQUELIZE_NOW,
        );
    }
    for (const c of fixture.credentials) {
      sqlite
        .prepare(
          'INSERT INTO AiCredentials (id, providerId, name, credentialValue, credentialType, active, usageCount, weight, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          c.id,
          c.providerId,
          c.name,
          JSON.stringify(c.credentialValue),
          c.credentialType,
          c.active ?? 1,
          c.usageCount ?? 0,
          c.weight ?? 100,
          SEQUELIZE_NOW,
          SEQUELIZE_NOW,
        );
    }
    for (const r of fixture.modelRates) {
      sqlite
        .prepare(
          'INSERT INTO AiModelRates (id, providerId, model, modelDisplay, type, inputRate, outputRate, caching, deprecated, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          r.id,
          r.providerId,
          r.model,
          r.model,
          r.type,
          r.inputRate,
          r.outputRate,
          r.caching ? JSON.stringify(r.caching) : null,
          r.deprecated ?? 0,
          SEQUELIZE_NOW,
          SEQUELIZE_NOW,
        );
    }
  } finally {
    opened.close();
  }
}

/** The secrets in `sampleAigneHub`, by source credential id. */
export const SAMPLE_AIGNE_HUB_SECRETS = {
  'cred-openai-1': { api_key: 'sk-proj-openaiFirst0123456789' },
  'cred-openai-2': { api_key: 'sk-proj-openaiSecond0123456789' },
  'cred-bedrock': {
    access_key_id: 'AKIAIOSFODNN7EXAMPLE',
    secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  },
  'cred-anthropic': { api_key: 'sk-ant-api03-plainStoredKey0123' },
  'cred-doubao': { api_key: 'doubao-secret-0123456789' },
} as const;

/**
 * A small AIGNE Hub: openai (two keys, one inactive), bedrock (a key pair, region), anthropic (disabled, with a
 * key stored unencrypted, as AIGNE Hub does without BLOCKLET_APP_EK), doubao (a type this hub lacks), a
 * credential whose provider is gone, and model rates of every AIGNE Hub type. `encrypt` is @blocklet/sdk's.
 */
export function sampleAigneHub(encrypt: (text: string) => string): AigneHubFixture {
  const s = SAMPLE_AIGNE_HUB_SECRETS;
  return {
    providers: [
      { id: 'p-openai', name: 'openai', displayName: 'OpenAI' },
      { id: 'p-bedrock', name: 'bedrock', displayName: 'AWS Bedrock', region: 'us-east-1' },
      {
        id: 'p-anthropic',
        name: 'anthropic',
        displayName: 'Anthropic',
        baseUrl: 'https://api.anthropic.com',
        enabled: 0,
      },
      { id: 'p-doubao', name: 'doubao', displayName: 'Doubao' },
    ],
    credentials: [
      {
        id: 'cred-openai-1',
        providerId: 'p-openai',
        name: 'main',
        credentialValue: { api_key: encrypt(s['cred-openai-1'].api_key) },
        credentialType: 'api_key',
        usageCount: 42,
      },
      {
        id: 'cred-openai-2',
        providerId: 'p-openai',
        name: 'spare',
        credentialValue: { api_key: encrypt(s['cred-openai-2'].api_key) },
        credentialType: 'api_key',
        active: 0,
        weight: 50,
      },
      {
        id: 'cred-bedrock',
        providerId: 'p-bedrock',
        name: 'aws',
        credentialValue: {
          access_key_id: s['cred-bedrock'].access_key_id,
          secret_access_key: encrypt(s['cred-bedrock'].secret_access_key),
        },
        credentialType: 'access_key_pair',
      },
      {
        id: 'cred-anthropic',
        providerId: 'p-anthropic',
        name: 'claude',
        credentialValue: { api_key: s['cred-anthropic'].api_key },
        credentialType: 'api_key',
      },
      {
        id: 'cred-doubao',
        providerId: 'p-doubao',
        name: 'doubao',
        credentialValue: { api_key: encrypt(s['cred-doubao'].api_key) },
        credentialType: 'api_key',
      },
      {
        id: 'cred-orphan',
        providerId: 'p-removed',
        name: 'orphan',
        credentialValue: { api_key: encrypt('sk-orphan-0123456789') },
        credentialType: 'api_key',
      },
    ],
    modelRates: [
      {
        id: 'r1',
        providerId: 'p-openai',
        model: 'gpt-4o',
        type: 'chatCompletion',
        inputRate: 0.0000025,
        outputRate: 0.00001,
        caching: { readRate: 0.00000125, writeRate: 0.000003 },
      },
      {
        id: 'r2',
        providerId: 'p-openai',
        model: 'text-embedding-3-small',
        type: 'embedding',
        inputRate: 0.00000002,
        outputRate: 0,
      },
      {
        id: 'r3',
        providerId: 'p-openai',
        model: 'dall-e-3',
        type: 'imageGeneration',
        inputRate: 0,
        outputRate: 0.04,
      },
      { id: 'r4', providerId: 'p-openai', model: 'sora-2', type: 'video', inputRate: 0, outputRate: 0.1 },
      {
        id: 'r5',
        providerId: 'p-bedrock',
        model: 'anthropic.claude-3-5-sonnet',
        type: 'chatCompletion',
        inputRate: '0.000003',
        outputRate: '0.000015',
      },
      {
        id: 'r6',
        providerId: 'p-anthropic',
        model: 'claude-2',
        type: 'chatCompletion',
        inputRate: 0.000008,
        outputRate: 0.000024,
        deprecated: 1,
      },
      {
        id: 'r7',
        providerId: 'p-doubao',
        model: 'doubao-pro',
        type: 'chatCompletion',
        inputRate: 0.000001,
        outputRate: 0.000002,
      },
      {
        id: 'r8',
        providerId: 'p-openai',
        model: 'broken',
        type: 'chatCompletion',
        inputRate: -1,
        outputRate: 0,
      },
    ],
  };
}
