/**
 * `aigne-hub keys import-blocklet` as a real command, with ciphertext made by the real @blocklet/sdk: in place
 * (legacy values already in this hub) and `--from` an AIGNE Hub database. All or nothing unless --skip-failed.
 */
import fs from 'node:fs';
import path from 'node:path';
// Legacy ciphertext made by the real @blocklet/sdk (a devDependency of packages/core), as an AIGNE Hub wrote it.
import { encrypt as sdkEncrypt } from '@blocklet/sdk/lib/security/index.js';
import { decryptCredentialValue } from '@aigne-hub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SAMPLE_AIGNE_HUB_SECRETS,
  insertProvider,
  insertRawCredential,
  sampleAigneHub,
  storedCredential,
  writeAigneHubDatabase,
} from '../src/keys/test-support';
import { auditRows, initHub, runHubCli, tempDir, withHub } from './cli-helpers';

const APP_EK = '0x9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const BLOCKLET_DID = 'zNKhe8dBmfZ6S4qMikVpvAFbxAQkQ66vGBAF';
const legacyEncrypt = (text: string) => sdkEncrypt(text, APP_EK, BLOCKLET_DID);

let dir: string;
let vars: Record<string, string>;
beforeEach(async () => {
  dir = tempDir('hub-import-');
  vars = { HUB_DATA_DIR: dir };
  await initHub(vars);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const count = (table: string) =>
  withHub(
    vars,
    (hub) =>
      (hub.services.hubDb.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
  );

describe('aigne-hub keys import-blocklet (in place)', () => {
  it('re-encrypts legacy credential fields under the hub keyring, reading the EK from stdin', () => {
    const ids = withHub(vars, (hub) => {
      const db = hub.services.hubDb;
      const provider = insertProvider(db, 'openai');
      return [
        insertRawCredential(db, provider, { api_key: legacyEncrypt('sk-proj-legacyOne0123456789') }),
        insertRawCredential(db, provider, {
          access_key_id: 'AKIAIOSFODNN7EXAMPLE',
          secret_access_key: legacyEncrypt('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLE'),
        }),
      ];
    });
    const result = runHubCli(
      ['keys', 'import-blocklet', '--app-ek', '-', '--blocklet-did', BLOCKLET_DID],
      vars,
      `${APP_EK}\n`,
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("Imported 2 credential(s) (2 secret field(s)) under this hub's keys.\n");
    withHub(vars, (hub) => {
      const db = hub.services.hubDb;
      expect(
        decryptCredentialValue(hub.services.keyring, ids[0]!, storedCredential(db, ids[0]!).value),
      ).toEqual({
        api_key: 'sk-proj-legacyOne0123456789',
      });
      expect(
        decryptCredentialValue(hub.services.keyring, ids[1]!, storedCredential(db, ids[1]!).value),
      ).toEqual({
        access_key_id: 'AKIAIOSFODNN7EXAMPLE',
        secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLE',
      });
      const event = auditRows(hub).at(-1)!;
      expect(event).toMatchObject({ action: 'keys.importBlocklet', via: 'cli', outcome: 'success' });
      expect(JSON.parse(event.details as string)).toEqual({
        mode: 'in-place',
        credentialCount: 2,
        credentialIds: ids,
        fieldCount: 2,
        failedCredentialIds: [],
      });
    });

    const again = runHubCli(
      ['keys', 'import-blocklet', '--app-ek', APP_EK, '--blocklet-did', BLOCKLET_DID],
      vars,
    );
    expect(again.status).toBe(0);
    expect(again.stdout).toBe('No credential holds @blocklet/sdk ciphertext; nothing to do.\n');
  });

  it('with the wrong key, imports nothing and names the credentials (never their content)', () => {
    const id = withHub(vars, (hub) =>
      insertRawCredential(hub.services.hubDb, insertProvider(hub.services.hubDb, 'openai'), {
        api_key: legacyEncrypt('sk-proj-legacyOne0123456789'),
      }),
    );
    const before = withHub(vars, (hub) => storedCredential(hub.services.hubDb, id).value);
    const result = runHubCli(
      ['keys', 'import-blocklet', '--app-ek', 'wrong-ek', '--blocklet-did', BLOCKLET_DID],
      vars,
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(
      `Would have imported 0 credential(s) (0 secret field(s)) under this hub's keys.\n  failed: credential ${id} field api_key: does not decrypt with this BLOCKLET_APP_EK / BLOCKLET_DID\n`,
    );
    expect(result.stderr).toBe(
      'aigne-hub: 1 credential(s) could not be decrypted, so nothing was imported (check BLOCKLET_APP_EK and BLOCKLET_DID, or use --skip-failed)\n',
    );
    withHub(vars, (hub) => {
      expect(storedCredential(hub.services.hubDb, id).value).toEqual(before);
      const event = auditRows(hub).at(-1)!;
      expect(event).toMatchObject({ action: 'keys.importBlocklet', outcome: 'error' });
      expect(JSON.parse(event.details as string)).toEqual({ mode: 'in-place', failedCredentialIds: [id] });
    });
  });

  it('needs the key, as a usage error', () => {
    const result = runHubCli(['keys', 'import-blocklet', '--blocklet-did', BLOCKLET_DID], vars);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^aigne-hub: the AIGNE Hub key is needed: pass --app-ek and --blocklet-did/,
    );
  });
});

describe('aigne-hub keys import-blocklet --from <aikit.db>', () => {
  let aikit: string;
  beforeEach(() => {
    aikit = path.join(dir, 'aikit.db');
    writeAigneHubDatabase(aikit, sampleAigneHub(legacyEncrypt));
  });
  const importFrom = (...extra: string[]) =>
    runHubCli(
      [
        'keys',
        'import-blocklet',
        '--from',
        aikit,
        '--app-ek',
        APP_EK,
        '--blocklet-did',
        BLOCKLET_DID,
        ...extra,
      ],
      vars,
    );

  it('imports providers, credentials and model rates, reports what it skipped, and audits it', () => {
    const result = importFrom();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      [
        `From ${aikit}:`,
        '  providers:    imported 3 (openai, bedrock, anthropic)',
        '  skipped provider doubao and its 1 credential(s): not supported by this hub',
        '  credentials:  imported 4 (1 secret field(s) were stored unencrypted in the source)',
        '  skipped 1 credential(s) whose provider is missing in the source',
        '  model rates:  imported 5, skipped 3 (existing, unsupported type or invalid)',
        '',
      ].join('\n'),
    );
    withHub(vars, (hub) => {
      const db = hub.services.hubDb.$client;
      const rows = db
        .prepare(
          'SELECT c.id, c.name, c.value FROM credentials c JOIN providers p ON p.id = c.provider_id ORDER BY p.name, c.name',
        )
        .all() as { id: string; name: string; value: string }[];
      const plain = rows.map((row) =>
        decryptCredentialValue(
          hub.services.keyring,
          row.id,
          JSON.parse(row.value) as Record<string, unknown>,
        ),
      );
      expect(plain).toEqual([
        SAMPLE_AIGNE_HUB_SECRETS['cred-anthropic'],
        SAMPLE_AIGNE_HUB_SECRETS['cred-bedrock'],
        SAMPLE_AIGNE_HUB_SECRETS['cred-openai-1'],
        SAMPLE_AIGNE_HUB_SECRETS['cred-openai-2'],
      ]);
      const event = auditRows(hub).at(-1)!;
      expect(event).toMatchObject({ action: 'keys.importBlocklet', outcome: 'success', via: 'cli' });
      expect(JSON.parse(event.details as string)).toMatchObject({
        mode: 'aigne-hub',
        file: 'aikit.db',
        importedProviders: ['openai', 'bedrock', 'anthropic'],
        skippedProviders: [{ name: 'doubao', reason: 'unsupported_kind' }],
        credentialCount: 4,
        plaintextFieldCount: 1,
        failedCredentialIds: [],
        importedModelRates: 5,
        skippedModelRates: 3,
      });
      // Nothing of a secret in the trail.
      expect(JSON.stringify(auditRows(hub))).not.toMatch(/sk-proj|sk-ant|wJalr|U2FsdGVk/);
    });

    const again = importFrom();
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(
      'skipped provider openai and its 2 credential(s): this hub already has a provider with that name',
    );
    expect(count('credentials')).toBe(4);
  });

  it('with the wrong key imports nothing at all; with --skip-failed, what it can', () => {
    const wrong = runHubCli(
      ['keys', 'import-blocklet', '--from', aikit, '--app-ek', 'wrong', '--blocklet-did', BLOCKLET_DID],
      vars,
    );
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toContain(
      '  failed: credential cred-openai-1 field api_key: does not decrypt with this BLOCKLET_APP_EK / BLOCKLET_DID',
    );
    expect(wrong.stdout).toContain('  failed: credential cred-bedrock field secret_access_key:');
    expect(wrong.stderr).toContain('3 credential(s) could not be decrypted, so nothing was imported');
    expect([count('providers'), count('credentials'), count('model_rates')]).toEqual([0, 0, 0]);

    const partial = runHubCli(
      [
        'keys',
        'import-blocklet',
        '--from',
        aikit,
        '--app-ek',
        'wrong',
        '--blocklet-did',
        BLOCKLET_DID,
        '--skip-failed',
      ],
      vars,
    );
    expect(partial.status).toBe(1);
    expect(partial.stderr).toBe(
      'aigne-hub: 3 credential(s) could not be decrypted and were left as they were\n',
    );
    expect([count('providers'), count('credentials'), count('model_rates')]).toEqual([3, 1, 5]);
  });

  it('refuses a file that is not an AIGNE Hub database', () => {
    const result = runHubCli(
      [
        'keys',
        'import-blocklet',
        '--from',
        path.join(dir, 'hub.db'),
        '--app-ek',
        APP_EK,
        '--blocklet-did',
        BLOCKLET_DID,
      ],
      vars,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `aigne-hub: ${path.join(dir, 'hub.db')} is this hub's own database, not an AIGNE Hub database\n`,
    );
  });
});
