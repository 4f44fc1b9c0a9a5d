/**
 * Where the master keys come from, in order: HUB_ENCRYPTION_KEYS; under Blocklet Server, HKDF of
 * BLOCKLET_APP_EK and BLOCKLET_DID; otherwise the key file (created with mode 0600 on first start). There is
 * no fourth option: without a usable key the hub refuses to start, and never stores a secret in clear.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  ConfigError,
  Keyring,
  deriveBlockletMasterKey,
  encodeMasterKey,
  generateMasterKey,
  parseEncryptionKeys,
} from '@aigne-hub/core';
import type { Env } from '../env';

export type KeySource = 'env' | 'blocklet' | 'file';

export interface LoadedKeyring {
  keyring: Keyring;
  source: KeySource;
  /** The key file in use (source `file`). */
  keyFile?: string;
  /** True when this start created the key file: the operator must back it up. */
  created: boolean;
}

/** The comment lines at the top of every key file (see also `writeKeyFile`). */
export const KEY_FILE_HEADER = [
  '# aigne-hub master keys: one base64 256-bit key per line; the first encrypts, all decrypt.',
  '# Back this file up apart from the data folder. Without it, stored provider credentials cannot be read.',
];

export function loadKeyring(env: Pick<Env, 'encryptionKeys' | 'blocklet' | 'keyFile'>): LoadedKeyring {
  if (env.encryptionKeys !== undefined) {
    return { keyring: new Keyring(parseEncryptionKeys(env.encryptionKeys)), source: 'env', created: false };
  }
  if (env.blocklet) {
    const key = deriveBlockletMasterKey(env.blocklet.appEk, env.blocklet.did);
    return { keyring: new Keyring([key]), source: 'blocklet', created: false };
  }
  const created = ensureKeyFile(env.keyFile);
  return { keyring: new Keyring(readKeyFile(env.keyFile)), source: 'file', keyFile: env.keyFile, created };
}

/** Creates the key file if it does not exist; returns whether it did. Never overwrites a key. */
function ensureKeyFile(file: string): boolean {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const content = [...KEY_FILE_HEADER, encodeMasterKey(generateMasterKey()), ''].join('\n');
  try {
    // `wx` fails if the file exists, so two hubs starting at once cannot overwrite each other's key.
    fs.writeFileSync(file, content, { mode: 0o600, flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new ConfigError(`cannot create the master key file ${file}: ${(error as Error).message}`);
  }
}

/**
 * The keys of a key file, in file order (the first encrypts). Refuses a file other users can read: the keys
 * decrypt every stored credential.
 */
export function readKeyFile(file: string): Buffer[] {
  let stat: fs.Stats;
  let text: string;
  try {
    stat = fs.statSync(file);
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `cannot read the master key file ${file}: ${(error as NodeJS.ErrnoException).code}`,
    );
  }
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new ConfigError(
      `the master key file ${file} is readable by other users (mode ${(stat.mode & 0o777).toString(8)}); run: chmod 600 ${file}`,
    );
  }
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  try {
    return parseEncryptionKeys(lines.join(','));
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`master key file ${file}: ${error.message}`);
    throw error;
  }
}
