/**
 * `aigne-hub keys rotate`: a new active master key, and every stored secret re-encrypted under it in one
 * transaction.
 *
 * The order of the steps is what makes a failure at any point harmless:
 * 1. the data folder is locked, so no hub serves it meanwhile (a running hub would not know the new key);
 * 2. every secret is decrypted once without writing (an unreadable secret stops us before anything changes);
 * 3. key file source: the key file is rewritten atomically with the new key FIRST and every old key after it;
 * 4. one IMMEDIATE transaction re-encrypts everything and appends the `keys.rotate` audit event.
 * If step 4 fails, the data is still under the old keys, which are still in the file: the hub starts and reads
 * everything as before, and the command can simply be run again. Doing 4 before 3 would be the fatal order:
 * a crash in between would leave data under a key that is stored nowhere.
 */
import { Keyring, PreconditionFailedError, generateMasterKey } from '@aigne-hub/core';
import type { Logger } from 'pino';
import { writeTransaction, type RequestMeta } from '../audit/audit-trail';
import type { Env } from '../env';
import { acquireHubLock } from '../runtime/hub-lock';
import { CLI_ACTOR, assertExistingHub, cliRequest, openExistingHub } from '../runtime/offline';
import type { HubServices } from '../services';
import { writeKeyFile } from './key-file';
import { readKeyFile } from './master-key';
import { checkAllSecrets, reencryptAllSecrets, type ReencryptionCounts } from './reencrypt';

export interface RotationReport {
  source: 'file' | 'env';
  /** The key everything is now encrypted under. */
  activeKeyId: string;
  /** The other configured keys (still able to decrypt older backups). */
  previousKeyIds: string[];
  /** The key file that was rewritten (source `file`). */
  keyFile: string | null;
  counts: ReencryptionCounts;
  /** Source `env` only: everything was already under the first key of HUB_ENCRYPTION_KEYS. */
  nothingToDo: boolean;
}

export function rotateMasterKey(env: Env, logger: Logger): RotationReport {
  if (env.encryptionKeys === undefined && env.blocklet !== undefined) {
    throw new PreconditionFailedError(
      'under Blocklet Server the master key is derived from BLOCKLET_APP_EK and BLOCKLET_DID and cannot be rotated here; it changes when Blocklet Server rotates the app key (set HUB_ENCRYPTION_KEYS to manage keys yourself)',
    );
  }
  assertExistingHub(env);
  const lock = acquireHubLock(env.dataDir, 'keys rotate');
  try {
    const hub = openExistingHub(env, logger);
    try {
      const { keys, services } = hub;
      const source = keys.source === 'file' ? 'file' : 'env';
      const keyFile = source === 'file' ? (keys.keyFile ?? env.keyFile) : null;
      // Source `file`: a fresh key first, then every key the file holds. Source `env`: the operator has already
      // put the new key first in HUB_ENCRYPTION_KEYS.
      const newKeys = keyFile === null ? null : [generateMasterKey(), ...readKeyFile(keyFile)];
      const keyring = newKeys === null ? keys.keyring : new Keyring(newKeys);
      const previousKeyIds = keyring.keyIds.slice(1);

      const planned = checkAllSecrets(services.hubDb, keyring);
      if (newKeys === null && planned.credentialCount === 0 && planned.systemSecretCount === 0) {
        return {
          source,
          activeKeyId: keyring.activeKeyId,
          previousKeyIds,
          keyFile,
          counts: planned,
          nothingToDo: true,
        };
      }
      if (keyFile !== null && newKeys !== null) writeKeyFile(keyFile, newKeys);

      const request = cliRequest();
      try {
        const counts = writeTransaction(services.hubDb, (tx) => {
          const done = reencryptAllSecrets(tx, keyring);
          services.audit.append(tx, CLI_ACTOR, request, {
            action: 'keys.rotate',
            outcome: 'success',
            targetType: 'keyring',
            targetId: keyring.activeKeyId,
            details: {
              source,
              activeKeyId: keyring.activeKeyId,
              previousKeyIds,
              reencryptedFromKeyIds: done.fromKeyIds,
              credentialCount: done.credentialCount,
              credentialFieldCount: done.credentialFieldCount,
              unchangedCredentialCount: done.unchangedCredentialCount,
              systemSecretCount: done.systemSecretCount,
            },
          });
          return done;
        });
        return {
          source,
          activeKeyId: keyring.activeKeyId,
          previousKeyIds,
          keyFile,
          counts,
          nothingToDo: false,
        };
      } catch (error) {
        // Messages of our errors and of SQLite name no secret (see `about` in reencrypt.ts).
        const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        recordFailure(hub.services, request, keyring.activeKeyId, source, reason, logger);
        throw new PreconditionFailedError(
          `rotation did not complete (${reason}); nothing was re-encrypted. ${
            keyFile === null
              ? 'The data is still under the previous keys of HUB_ENCRYPTION_KEYS.'
              : `The key file ${keyFile} lists the new key first and still holds every previous key, so the hub starts and reads everything as before.`
          } Run keys rotate again once the cause is fixed.`,
          { cause: error },
        );
      }
    } finally {
      hub.close();
    }
  } finally {
    lock.release();
  }
}

/** A failed rotation is worth an event too; if even that cannot be written (database locked), it is logged. */
function recordFailure(
  services: HubServices,
  request: RequestMeta,
  activeKeyId: string,
  source: string,
  reason: string,
  logger: Logger,
): void {
  try {
    services.audit.record(CLI_ACTOR, request, {
      action: 'keys.rotate',
      outcome: 'error',
      reason,
      targetType: 'keyring',
      targetId: activeKeyId,
      details: { source, activeKeyId },
    });
  } catch (error) {
    logger.warn({ err: error }, 'could not audit the failed key rotation');
  }
}
