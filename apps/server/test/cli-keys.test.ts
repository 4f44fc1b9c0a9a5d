/**
 * `aigne-hub keys rotate`, run as a real command over a real data folder: every credential still decrypts
 * afterwards, none is left under the old key, a restart with only the new key works, and a failure at any
 * step loses nothing. Also the guard against rotating under a running hub.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  Keyring,
  credentialValueKeyIds,
  decryptCredentialValue,
  encodeMasterKey,
  generateMasterKey,
  masterKeyId,
  type CredentialValue,
} from '@aigne-hub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeKeyFile } from '../src/keys/key-file';
import { readKeyFile } from '../src/keys/master-key';
import {
  insertCredential,
  insertProvider,
  insertRawCredential,
  storedCredential,
} from '../src/keys/test-support';
import { HUB_LOCK_FILE } from '../src/runtime/hub-lock';
import type { OfflineHub } from '../src/runtime/offline';
import { auditRows, initHub, runHubCli, startHubOn, tempDir, withHub } from './cli-helpers';

const SECRETS: Record<string, CredentialValue> = {
  openai: { api_key: 'sk-proj-rotationTest0123456789' },
  bedrock: {
    access_key_id: 'AKIAIOSFODNN7EXAMPLE',
    secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLE',
  },
  ollama: { endpoint: 'http://127.0.0.1:11434' },
};

let dir: string;
let vars: Record<string, string>;
let keyFile: string;

beforeEach(() => {
  dir = tempDir('hub-keys-');
  vars = { HUB_DATA_DIR: dir };
  keyFile = path.join(dir, 'master.key');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Three credentials as the credentials router stores them; returns their ids by name. */
function addCredentials(hub: OfflineHub): Record<string, string> {
  const db = hub.services.hubDb;
  const keyring = hub.services.keyring;
  return {
    openai: insertCredential(db, keyring, insertProvider(db, 'openai'), SECRETS.openai!),
    bedrock: insertCredential(
      db,
      keyring,
      insertProvider(db, 'bedrock', 'bedrock'),
      SECRETS.bedrock!,
      'access_key_pair',
    ),
    ollama: insertCredential(db, keyring, insertProvider(db, 'ollama', 'ollama'), SECRETS.ollama!, 'custom'),
  };
}

/** Every credential decrypts under `keyring` to what was stored, and its secrets are under `keyId` only. */
function expectCredentialsUnder(
  hub: OfflineHub,
  ids: Record<string, string>,
  keyring: Keyring,
  keyId: string,
) {
  for (const [name, id] of Object.entries(ids)) {
    const stored = storedCredential(hub.services.hubDb, id).value;
    expect(credentialValueKeyIds(stored)).toEqual(name === 'ollama' ? [] : [keyId]);
    expect(decryptCredentialValue(keyring, id, stored)).toEqual(SECRETS[name]);
  }
}

describe('aigne-hub keys rotate (key file)', () => {
  it('re-encrypts everything under a new key written first in the key file, and a hub restarts with only that key', async () => {
    await initHub(vars);
    const [oldKey] = readKeyFile(keyFile);
    const oldKeyId = masterKeyId(oldKey!);
    const ids = withHub(vars, addCredentials);

    const result = runHubCli(['keys', 'rotate'], vars);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);

    const keys = readKeyFile(keyFile);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toEqual(oldKey);
    const newKeyId = masterKeyId(keys[0]!);
    expect(newKeyId).not.toBe(oldKeyId);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(result.stdout).toContain(`active key:     ${newKeyId}`);
    expect(result.stdout).toContain(`previous keys:  ${oldKeyId}`);
    expect(result.stdout).toContain(
      're-encrypted:   2 credential(s) (2 secret field(s)), 2 system secret(s)',
    );
    expect(result.stdout).toContain('unchanged:      1 credential(s)');
    expect(result.stdout).toContain('remove them once no backup you may restore needs them');
    // Key ids only, never key material.
    expect(result.stdout).not.toContain(encodeMasterKey(keys[0]!));
    expect(result.stdout).not.toContain(encodeMasterKey(oldKey!));

    // The operator removes the old key: the hub must start and read everything with the new key alone.
    writeKeyFile(keyFile, [keys[0]!]);
    const hub = await startHubOn(vars);
    try {
      expect(hub.keys.keyring.keyIds).toEqual([newKeyId]);
      const offline = { keys: hub.keys, services: hub.services, close: () => undefined };
      expectCredentialsUnder(offline, ids, hub.services.keyring, newKeyId);
      expect(hub.services.audit.verify()).toMatchObject({ ok: true });
      const rotation = auditRows(offline).find((row) => row.action === 'keys.rotate')!;
      expect(rotation).toMatchObject({
        actor_did: null,
        actor_role: null,
        via: 'cli',
        ip: null,
        outcome: 'success',
        target_type: 'keyring',
        target_id: newKeyId,
      });
      expect(JSON.parse(rotation.details as string)).toEqual({
        source: 'file',
        activeKeyId: newKeyId,
        previousKeyIds: [oldKeyId],
        reencryptedFromKeyIds: [oldKeyId],
        credentialCount: 2,
        credentialFieldCount: 2,
        unchangedCredentialCount: 1,
        systemSecretCount: 2,
      });
    } finally {
      await hub.close();
    }
  });

  it('refuses while a hub serves the data folder, and works once it has stopped', async () => {
    await initHub(vars);
    const keyFileBefore = fs.readFileSync(keyFile, 'utf8');
    const hub = await startHubOn(vars);
    let refused;
    try {
      refused = runHubCli(['keys', 'rotate'], vars);
    } finally {
      await hub.close();
    }
    expect(refused.status).toBe(1);
    const since = /since (\S+)\)/.exec(refused.stderr)?.[1];
    expect(new Date(since!).toISOString()).toBe(since);
    expect(refused.stderr).toBe(
      `aigne-hub: a running hub (pid ${process.pid}, since ${since}) is using the data folder ${dir}; stop it first (if no such process exists, delete ${path.join(dir, HUB_LOCK_FILE)})\n`,
    );
    expect(fs.readFileSync(keyFile, 'utf8')).toBe(keyFileBefore);
    expect(fs.existsSync(path.join(dir, HUB_LOCK_FILE))).toBe(false);

    expect(runHubCli(['keys', 'rotate'], vars).status).toBe(0);
    expect(readKeyFile(keyFile)).toHaveLength(2);
  });

  it('a second hub on the same data folder refuses to start, and the first keeps the folder', async () => {
    const first = await startHubOn(vars);
    try {
      await expect(startHubOn(vars)).rejects.toMatchObject({
        name: 'DataFolderBusyError',
        message: expect.stringContaining(`a running hub (pid ${process.pid}`) as string,
      });
      expect(JSON.parse(fs.readFileSync(path.join(dir, HUB_LOCK_FILE), 'utf8'))).toMatchObject({
        pid: process.pid,
        purpose: 'serve',
      });
      expect((await fetch(`${first.url}/api/health`)).status).toBe(200);
    } finally {
      await first.close();
    }
    expect(fs.existsSync(path.join(dir, HUB_LOCK_FILE))).toBe(false);
  });

  it('ignores a lock file left by a hub that died', async () => {
    await initHub(vars);
    const dead = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' }).pid;
    fs.writeFileSync(
      path.join(dir, HUB_LOCK_FILE),
      JSON.stringify({ pid: dead, startTicks: null, instance: 'crashed', purpose: 'serve', since: 'then' }),
    );
    const result = runHubCli(['keys', 'rotate'], vars);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(fs.existsSync(path.join(dir, HUB_LOCK_FILE))).toBe(false);
  });

  it('when the transaction fails after the key file was written, loses nothing: the old key is still in the file', async () => {
    await initHub(vars);
    const [oldKey] = readKeyFile(keyFile);
    const oldKeyId = masterKeyId(oldKey!);
    const ids = withHub(vars, (hub) => {
      const created = addCredentials(hub);
      // A real write failure inside the rotation's transaction (the read-only check before it passes).
      hub.services.hubDb.$client.exec(
        "CREATE TRIGGER fail_updates BEFORE UPDATE ON credentials BEGIN SELECT RAISE(ABORT, 'disk says no'); END",
      );
      return created;
    });

    const failed = runHubCli(['keys', 'rotate'], vars);
    expect(failed.status).toBe(1);
    expect(failed.stderr.split('\n')).toHaveLength(2); // one line
    expect(failed.stderr).toMatch(
      /^aigne-hub: rotation did not complete \(disk says no\); nothing was re-encrypted\./,
    );
    expect(failed.stderr).toContain('still holds every previous key');

    const keys = readKeyFile(keyFile);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toEqual(oldKey);
    const [firstNew] = keys;

    withHub(vars, (hub) => {
      // Still under the old key, and readable by the keyring the hub now starts with.
      expectCredentialsUnder(hub, ids, hub.services.keyring, oldKeyId);
      const failure = auditRows(hub).find((row) => row.action === 'keys.rotate')!;
      expect(failure).toMatchObject({
        outcome: 'error',
        reason: 'disk says no',
        target_id: masterKeyId(firstNew!),
      });
      hub.services.hubDb.$client.exec('DROP TRIGGER fail_updates');
    });

    // Fixed: running it again completes, under yet another new key.
    const again = runHubCli(['keys', 'rotate'], vars);
    expect(again.status).toBe(0);
    const finalKeys = readKeyFile(keyFile);
    expect(finalKeys).toHaveLength(3);
    withHub(vars, (hub) =>
      expectCredentialsUnder(hub, ids, new Keyring([finalKeys[0]!]), masterKeyId(finalKeys[0]!)),
    );
  });

  it('refuses, before touching the key file, when a stored secret does not decrypt', async () => {
    await initHub(vars);
    const bad = withHub(vars, (hub) => {
      const ids = addCredentials(hub);
      const db = hub.services.hubDb;
      // An envelope moved from another credential: authenticated against the wrong row, it fails.
      return insertRawCredential(db, storedCredential(db, ids.openai!).providerId, {
        api_key: storedCredential(db, ids.openai!).value.api_key,
      });
    });
    const before = fs.readFileSync(keyFile, 'utf8');
    const result = runHubCli(['keys', 'rotate'], vars);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`^aigne-hub: credential ${bad}: Credential field api_key: .*\\n$`),
    );
    expect(result.stderr).not.toContain('sk-proj');
    expect(fs.readFileSync(keyFile, 'utf8')).toBe(before);
  });
});

describe('aigne-hub keys rotate (HUB_ENCRYPTION_KEYS)', () => {
  const oldKey = generateMasterKey();
  const newKey = generateMasterKey();

  it('re-encrypts under the key put first, after which the new key alone opens the hub', async () => {
    const oldVars = { ...vars, HUB_ENCRYPTION_KEYS: encodeMasterKey(oldKey) };
    await initHub(oldVars);
    const ids = withHub(oldVars, addCredentials);
    const both = { ...vars, HUB_ENCRYPTION_KEYS: `${encodeMasterKey(newKey)},${encodeMasterKey(oldKey)}` };

    const result = runHubCli(['keys', 'rotate'], both);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`active key:     ${masterKeyId(newKey)}`);
    expect(result.stdout).toContain(
      're-encrypted:   2 credential(s) (2 secret field(s)), 2 system secret(s)',
    );
    expect(result.stdout).toContain('removed from HUB_ENCRYPTION_KEYS');
    expect(fs.existsSync(keyFile)).toBe(false);

    const onlyNew = { ...vars, HUB_ENCRYPTION_KEYS: encodeMasterKey(newKey) };
    withHub(onlyNew, (hub) => expectCredentialsUnder(hub, ids, hub.services.keyring, masterKeyId(newKey)));
    const hub = await startHubOn(onlyNew);
    await hub.close();

    // Nothing left to do: says so, exit 0, no event.
    const again = runHubCli(['keys', 'rotate'], both);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(
      `Nothing to re-encrypt: every secret is already under key ${masterKeyId(newKey)}`,
    );
    withHub(onlyNew, (offline) =>
      expect(auditRows(offline).filter((row) => row.action === 'keys.rotate')).toHaveLength(1),
    );

    // The old key alone no longer opens the data folder.
    const stale = runHubCli(['audit', 'verify'], oldVars);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain('the configured master key cannot decrypt this data folder');
  });
});

describe('aigne-hub keys rotate (refusals)', () => {
  it('refuses under Blocklet Server, where the key is derived', () => {
    const result = runHubCli(['keys', 'rotate'], {
      BLOCKLET_APP_EK: 'app-ek',
      BLOCKLET_DID: 'zNKtCNqYWLYWYW3gWRA1vnRykfCBZYHZvzKr',
      BLOCKLET_DATA_DIR: dir,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^aigne-hub: under Blocklet Server the master key is derived from BLOCKLET_APP_EK and BLOCKLET_DID .*\n$/,
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses a folder without a hub, and a hub whose key file is missing, creating nothing', async () => {
    const empty = runHubCli(['keys', 'rotate'], vars);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toBe(
      `aigne-hub: no hub in ${dir} (hub.db not found); set HUB_DATA_DIR or --data-dir to the hub's data folder\n`,
    );
    expect(fs.readdirSync(dir)).toEqual([]);

    await initHub(vars);
    fs.rmSync(keyFile);
    const noKey = runHubCli(['keys', 'rotate', '--data-dir', dir], {});
    expect(noKey.status).toBe(1);
    expect(noKey.stderr).toContain(`the master key file ${keyFile} is missing`);
    expect(fs.existsSync(keyFile)).toBe(false);
  });
});
