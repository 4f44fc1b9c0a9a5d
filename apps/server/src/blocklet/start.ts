/**
 * What starting under Blocklet Server (BLOCKLET_APP_EK and BLOCKLET_DID set) adds to a normal start. The
 * master key is already derived from those two by HKDF (keys/master-key.ts) and the data folder is
 * BLOCKLET_DATA_DIR (env.ts); here:
 * - refuse to start when login tokens cannot be verified (no key for @blocklet/sdk to check them with): the
 *   SDK would otherwise fall back to a key derived from public values only;
 * - load the SDK's verifier now, so that a broken install stops the start, not the first request;
 * - no owner setup code: owners are Blocklet Server's (any code left from a standalone past is destroyed);
 * - credentials an older AIGNE Hub stored with @blocklet/sdk `security.encrypt` are re-encrypted under the
 *   hub's keyring (keys/legacy-credentials.ts, as `aigne-hub keys import-blocklet` does), in one
 *   transaction with one `keys.importBlocklet` event.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '@aigne-hub/core';
import { NO_REQUEST, SYSTEM_ACTOR, writeTransaction } from '../audit/audit-trail';
import { SETUP_CODE_FILE } from '../auth/owner-setup';
import { reencryptLegacyCredentials } from '../keys/legacy-credentials';
import { deleteSystemSecret, SETUP_CODE_SECRET } from '../keys/system-secrets';
import type { HubServices } from '../services';
import { loadBlockletVerifier } from './session';

/** At most this many ids go into the audit event; the counts are always complete. */
const MAX_IDS_IN_EVENT = 100;

export interface LegacyImportAtStart {
  credentialIds: string[];
  fieldCount: number;
  /** Credentials whose legacy secrets did not open with this app's key: left exactly as they were. */
  failedCredentialIds: string[];
}

export interface BlockletStartReport {
  legacy: LegacyImportAtStart;
}

export async function prepareBlocklet(services: HubServices): Promise<BlockletStartReport> {
  const { env } = services;
  if (!env.blocklet) throw new Error('prepareBlocklet outside Blocklet mode');
  if (env.blockletLoginKey === undefined) {
    throw new ConfigError(
      'Blocklet mode needs BLOCKLET_SESSION_SECRET (or BLOCKLET_APP_SK) to verify who is signed in; neither is set',
    );
  }
  await loadBlockletVerifier();
  disableOwnerSetup(services);
  return { legacy: importLegacyCredentials(services) };
}

function disableOwnerSetup(services: HubServices): void {
  deleteSystemSecret(services.hubDb, SETUP_CODE_SECRET);
  fs.rmSync(path.join(services.env.dataDir, SETUP_CODE_FILE), { force: true });
}

/**
 * Re-encrypts every credential field still holding @blocklet/sdk ciphertext. What opens is converted; what
 * does not is left untouched and reported (and logged), so one damaged value cannot hold the others back.
 */
export function importLegacyCredentials(services: HubServices): LegacyImportAtStart {
  const blocklet = services.env.blocklet;
  if (!blocklet) throw new Error('importLegacyCredentials outside Blocklet mode');
  const report = writeTransaction(services.hubDb, (tx) => {
    const result = reencryptLegacyCredentials(tx, services.keyring, blocklet);
    // Once each, in order (a credential may have two failed fields).
    const failedCredentialIds = [...new Set(result.failures.map((failure) => failure.credentialId))];
    if (result.credentialIds.length === 0 && failedCredentialIds.length === 0) {
      return { credentialIds: [], fieldCount: 0, failedCredentialIds };
    }
    const converted = result.credentialIds.length > 0;
    services.audit.append(tx, SYSTEM_ACTOR, NO_REQUEST, {
      action: 'keys.importBlocklet',
      outcome: converted ? 'success' : 'error',
      ...(!converted && {
        reason: `${failedCredentialIds.length} credential(s) could not be decrypted with this app's key`,
      }),
      targetType: 'credentials',
      details: {
        mode: 'in-place',
        trigger: 'start',
        credentialCount: result.credentialIds.length,
        credentialIds: result.credentialIds.slice(0, MAX_IDS_IN_EVENT),
        fieldCount: result.fieldCount,
        failedCredentialIds: failedCredentialIds.slice(0, MAX_IDS_IN_EVENT),
      },
    });
    return { credentialIds: result.credentialIds, fieldCount: result.fieldCount, failedCredentialIds };
  });
  if (report.failedCredentialIds.length > 0) {
    services.logger.warn(
      { failedCredentialIds: report.failedCredentialIds },
      'some credentials hold @blocklet/sdk ciphertext this app key cannot open; they were left as they were',
    );
  }
  if (report.credentialIds.length > 0) {
    services.logger.info(
      { credentialCount: report.credentialIds.length, fieldCount: report.fieldCount },
      're-encrypted credentials written by @blocklet/sdk under the hub keyring',
    );
  }
  return report;
}
