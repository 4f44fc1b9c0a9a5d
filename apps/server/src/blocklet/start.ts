/**
 * What starting under Blocklet Server (BLOCKLET_APP_EK and BLOCKLET_DID set) adds to a normal start. The
 * master key is already derived from those two by HKDF (keys/master-key.ts) and the data folder is
 * BLOCKLET_DATA_DIR (env.ts); here:
 * - refuse to start when login tokens cannot be verified (no key for @blocklet/sdk to check them with): the
 *   SDK would otherwise fall back to a key derived from public values only;
 * - load the SDK's verifier now, so that a broken install stops the start, not the first request;
 * - no owner setup code: owners are Blocklet Server's (any code left from a standalone past is destroyed);
 * - credentials an older AIGNE Hub stored with @blocklet/sdk `security.encrypt` are re-encrypted under the
 *   hub's keyring, in one transaction with one `keys.importBlocklet` event each:
 *   - AIGNE Hub's own database (`aikit.db`) in the data folder. The blocklet carries AIGNE Hub's name and DID,
 *     so Blocklet Server installs it as AIGNE Hub's next version, in AIGNE Hub's data folder, with AIGNE
 *     Hub's BLOCKLET_APP_EK and BLOCKLET_DID: exactly the key its ciphertext needs. Its providers,
 *     credentials and model rates are imported once (as `aigne-hub keys import-blocklet --from` does), and
 *     the file itself is only read, so going back to AIGNE Hub stays possible;
 *   - credential fields of this hub that still hold such ciphertext (keys/legacy-credentials.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, ValidationError } from '@aigne-hub/core';
import { NO_REQUEST, SYSTEM_ACTOR, writeTransaction } from '../audit/audit-trail';
import { SETUP_CODE_FILE } from '../auth/owner-setup';
import { importAigneHub, type AigneHubImportResult } from '../keys/aigne-hub-import';
import { readAigneHubDatabase } from '../keys/aigne-hub-source';
import { reencryptLegacyCredentials } from '../keys/legacy-credentials';
import {
  deleteSystemSecret,
  readSystemSecret,
  SETUP_CODE_SECRET,
  writeSystemSecret,
} from '../keys/system-secrets';
import type { HubServices } from '../services';
import { loadBlockletVerifier } from './session';

/** The file AIGNE Hub keeps its providers, credentials and model rates in, in its data folder. */
export const AIGNE_HUB_DATABASE_FILE = 'aikit.db';

/**
 * Set (in `system_secrets`) once `aikit.db` has been imported: later starts leave it alone, so a provider an
 * admin deleted after the import does not come back at the next restart.
 */
export const AIGNE_HUB_IMPORT_MARKER = 'aigne_hub_import';

/** At most this many ids go into the audit event; the counts are always complete. */
const MAX_IDS_IN_EVENT = 100;

export interface LegacyImportAtStart {
  credentialIds: string[];
  fieldCount: number;
  /** Credentials whose legacy secrets did not open with this app's key: left exactly as they were. */
  failedCredentialIds: string[];
}

export type AigneHubImportAtStart =
  /** No `aikit.db` in the data folder: nothing to import. */
  | { status: 'absent' }
  /** Imported by an earlier start. */
  | { status: 'done-before' }
  | {
      status: 'imported';
      importedProviders: string[];
      credentialCount: number;
      importedModelRates: number;
    }
  /**
   * Nothing was written: some credentials did not decrypt with this app's key (`failedCredentialIds`), or the
   * file is not an AIGNE Hub database (`reason`). The next start tries again; `aigne-hub keys import-blocklet
   * --from <file> --skip-failed` imports the readable part.
   */
  | { status: 'failed'; reason: string; failedCredentialIds: string[] };

export interface BlockletStartReport {
  aigneHub: AigneHubImportAtStart;
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
  return { aigneHub: importAigneHubAtStart(services), legacy: importLegacyCredentials(services) };
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

/** Thrown inside the import transaction to roll it back. */
class NothingImported extends Error {
  constructor(readonly failedCredentialIds: string[]) {
    super('rolled back');
  }
}

/**
 * Imports AIGNE Hub's `aikit.db` from the data folder, once. All or nothing: with a wrong key most values
 * fail, and importing the few that slip through would put garbage in place of credentials. A failed import
 * never stops the start (the hub works without it); it is audited and logged.
 */
export function importAigneHubAtStart(services: HubServices): AigneHubImportAtStart {
  const blocklet = services.env.blocklet;
  if (!blocklet) throw new Error('importAigneHubAtStart outside Blocklet mode');
  const file = path.join(services.env.dataDir, AIGNE_HUB_DATABASE_FILE);
  if (!fs.existsSync(file)) return { status: 'absent' };
  if (readSystemSecret(services.hubDb, services.keyring, AIGNE_HUB_IMPORT_MARKER) !== null) {
    return { status: 'done-before' };
  }
  let outcome: AigneHubImportAtStart;
  try {
    // Read before the transaction: ATTACH is not allowed inside one.
    const snapshot = readAigneHubDatabase(services.hubDb.$client, file);
    const result = writeTransaction(services.hubDb, (tx) => {
      const imported = importAigneHub(tx, services.keyring, snapshot, blocklet);
      if (imported.failures.length > 0) throw new NothingImported(distinct(imported));
      writeSystemSecret(
        tx,
        services.keyring,
        AIGNE_HUB_IMPORT_MARKER,
        JSON.stringify({ file: AIGNE_HUB_DATABASE_FILE, at: services.clock().toISOString() }),
      );
      services.audit.append(tx, SYSTEM_ACTOR, NO_REQUEST, {
        action: 'keys.importBlocklet',
        outcome: 'success',
        targetType: 'credentials',
        details: importDetails(imported),
      });
      return imported;
    });
    outcome = {
      status: 'imported',
      importedProviders: result.importedProviders,
      credentialCount: result.importedCredentials.length,
      importedModelRates: result.importedModelRates,
    };
  } catch (error) {
    if (error instanceof NothingImported) {
      outcome = {
        status: 'failed',
        reason: `${error.failedCredentialIds.length} credential(s) could not be decrypted with this app's key; nothing was imported`,
        failedCredentialIds: error.failedCredentialIds,
      };
    } else if (error instanceof ValidationError) {
      outcome = { status: 'failed', reason: error.message, failedCredentialIds: [] };
    } else {
      throw error;
    }
  }
  if (outcome.status === 'failed') {
    services.audit.record(SYSTEM_ACTOR, NO_REQUEST, {
      action: 'keys.importBlocklet',
      outcome: 'error',
      reason: outcome.reason.slice(0, 200),
      targetType: 'credentials',
      details: {
        mode: 'aigne-hub',
        trigger: 'start',
        file: AIGNE_HUB_DATABASE_FILE,
        failedCredentialIds: outcome.failedCredentialIds.slice(0, MAX_IDS_IN_EVENT),
      },
    });
    services.logger.warn(
      { file, failedCredentialIds: outcome.failedCredentialIds },
      `AIGNE Hub's database was not imported: ${outcome.reason}`,
    );
  } else if (outcome.status === 'imported') {
    services.logger.info(
      { providers: outcome.importedProviders, credentialCount: outcome.credentialCount },
      "imported AIGNE Hub's providers and credentials, re-encrypted under the hub keyring",
    );
  }
  return outcome;
}

function distinct(result: AigneHubImportResult): string[] {
  return [...new Set(result.failures.map((failure) => failure.credentialId))];
}

function importDetails(result: AigneHubImportResult) {
  return {
    mode: 'aigne-hub',
    trigger: 'start',
    file: AIGNE_HUB_DATABASE_FILE,
    importedProviders: result.importedProviders,
    skippedProviders: result.skippedProviders.map(({ name, reason }) => ({ name, reason })),
    credentialCount: result.importedCredentials.length,
    credentialIds: result.importedCredentials.slice(0, MAX_IDS_IN_EVENT).map((imported) => imported.id),
    plaintextFieldCount: result.plaintextFieldCount,
    importedModelRates: result.importedModelRates,
    skippedModelRates: result.skippedModelRates,
  };
}
