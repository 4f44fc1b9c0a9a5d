import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, encodeMasterKey, generateMasterKey, masterKeyId } from '@aigne-hub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadKeyring } from './master-key';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-key-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const fromFile = (keyFile: string) =>
  loadKeyring({ encryptionKeys: undefined, blocklet: undefined, keyFile });

describe('loadKeyring', () => {
  it('creates a 0600 key file on first start and reuses it afterwards', () => {
    const keyFile = path.join(dir, 'nested', 'master.key');
    const first = fromFile(keyFile);
    expect(first).toMatchObject({ source: 'file', created: true, keyFile });
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(keyFile)).mode & 0o777).toBe(0o700);

    const second = fromFile(keyFile);
    expect(second.created).toBe(false);
    expect(second.keyring.activeKeyId).toBe(first.keyring.activeKeyId);
    const envelope = first.keyring.encrypt('sk-test', 'credentials:c1:api_key');
    expect(second.keyring.decrypt(envelope, 'credentials:c1:api_key')).toBe('sk-test');
  });

  it('uses HUB_ENCRYPTION_KEYS in order and writes no key file', () => {
    const [a, b] = [generateMasterKey(), generateMasterKey()];
    const keyFile = path.join(dir, 'master.key');
    const loaded = loadKeyring({
      encryptionKeys: `${encodeMasterKey(a)},${encodeMasterKey(b)}`,
      blocklet: undefined,
      keyFile,
    });
    expect(loaded).toMatchObject({ source: 'env', created: false });
    expect(loaded.keyring.activeKeyId).toBe(masterKeyId(a));
    expect(loaded.keyring.keyIds).toEqual([masterKeyId(a), masterKeyId(b)]);
    expect(fs.existsSync(keyFile)).toBe(false);
  });

  it('rejects a malformed HUB_ENCRYPTION_KEYS without echoing it', () => {
    const attempt = () => loadKeyring({ encryptionKeys: 'not-a-key!!', blocklet: undefined, keyFile: '/x' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).not.toThrow(/not-a-key/);
  });

  it('derives the key in Blocklet mode, deterministically', () => {
    const blocklet = { appEk: `0x${'ab'.repeat(64)}`, did: 'z8ia3xzq2tMq8CRHfaXj1BTYJyYnEcHbqP8cJ' };
    const one = loadKeyring({ encryptionKeys: undefined, blocklet, keyFile: path.join(dir, 'k') });
    const two = loadKeyring({ encryptionKeys: undefined, blocklet, keyFile: path.join(dir, 'k') });
    expect(one.source).toBe('blocklet');
    expect(one.keyring.activeKeyId).toBe(two.keyring.activeKeyId);
    expect(fs.existsSync(path.join(dir, 'k'))).toBe(false);
  });

  it('refuses a key file that other users can read', () => {
    const keyFile = path.join(dir, 'master.key');
    fromFile(keyFile);
    fs.chmodSync(keyFile, 0o644);
    expect(() => fromFile(keyFile)).toThrow(/readable by other users .*chmod 600/);
  });

  it('reads several keys from the file, first active, ignoring comments', () => {
    const keyFile = path.join(dir, 'master.key');
    const [a, b] = [generateMasterKey(), generateMasterKey()];
    fs.writeFileSync(keyFile, `# comment\n${encodeMasterKey(a)}\n\n${encodeMasterKey(b)}\n`, { mode: 0o600 });
    const loaded = fromFile(keyFile);
    expect(loaded.keyring.keyIds).toEqual([masterKeyId(a), masterKeyId(b)]);
  });

  it('names the key file when its content is malformed', () => {
    const keyFile = path.join(dir, 'master.key');
    fs.writeFileSync(keyFile, 'short\n', { mode: 0o600 });
    expect(() => fromFile(keyFile)).toThrow(`master key file ${keyFile}:`);
  });
});
