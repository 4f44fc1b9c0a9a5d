/**
 * First owner: while a hub has no owner it holds a one-time setup code. The operator reads it from the start-up
 * banner or `<data>/setup-code` (mode 0600); the first DID that signs in presenting it becomes owner and the code
 * is destroyed. The code lives encrypted in `system_secrets`, so the CLI and the server agree on it.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Keyring } from '@aigne-hub/core';
import type { HubDatabase, HubTransaction } from '@aigne-hub/db';
import {
  deleteSystemSecret,
  readSystemSecret,
  SETUP_CODE_SECRET,
  writeSystemSecret,
} from '../keys/system-secrets';
import { ownerCount } from '../users/users';

export const SETUP_CODE_FILE = 'setup-code';

/** Crockford base32: no I, L, O, U, so a code read aloud or copied by hand is not misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUPS = 4;
const GROUP_LENGTH = 4;

/** A new code, 80 random bits, written `XXXX-XXXX-XXXX-XXXX`. */
export function generateSetupCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g += 1) {
    let group = '';
    for (let i = 0; i < GROUP_LENGTH; i += 1) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/** What a person types, normalised: case, spaces and dashes do not matter; I/L read as 1, O as 0. */
export function normalizeSetupCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

/**
 * At start-up: with no owner, make a fresh code (the previous one stops working), store it and write the file;
 * with an owner, make sure no code or file is left behind. Returns the code to print, or null.
 */
export function prepareOwnerSetup(db: HubDatabase, keyring: Keyring, dataDir: string): string | null {
  const file = path.join(dataDir, SETUP_CODE_FILE);
  const code = db.transaction(
    (tx) => {
      if (ownerCount(tx) > 0) {
        deleteSystemSecret(tx, SETUP_CODE_SECRET);
        return null;
      }
      const fresh = generateSetupCode();
      writeSystemSecret(tx, keyring, SETUP_CODE_SECRET, fresh);
      return fresh;
    },
    { behavior: 'immediate' },
  );
  fs.rmSync(file, { force: true });
  if (code !== null) fs.writeFileSync(file, `${code}\n`, { mode: 0o600, flag: 'wx' });
  return code;
}

/**
 * True when `presented` is the current setup code (compared in constant time). Does not consume it: the caller
 * does that with `consumeSetupCode` in the transaction that makes the owner.
 */
export function setupCodeMatches(
  tx: HubDatabase | HubTransaction,
  keyring: Keyring,
  presented: string,
): boolean {
  const stored = readSystemSecret(tx, keyring, SETUP_CODE_SECRET);
  if (stored === null) return false;
  const a = Buffer.from(normalizeSetupCode(stored));
  const b = Buffer.from(normalizeSetupCode(presented));
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Destroys the code (in the database, inside `tx`) and its file. */
export function consumeSetupCode(tx: HubTransaction, dataDir: string): void {
  deleteSystemSecret(tx, SETUP_CODE_SECRET);
  fs.rmSync(path.join(dataDir, SETUP_CODE_FILE), { force: true });
}
