/**
 * `aigne-hub keys import-blocklet`: bring credentials encrypted by @blocklet/sdk (an AIGNE Hub's) under this
 * hub's keyring, in one transaction with one audit event.
 *
 * Two sources:
 * - in place: credential fields of this hub that still hold legacy ciphertext;
 * - `--from <aikit.db>`: providers, credentials and model rates of an existing AIGNE Hub database.
 *
 * All or nothing by default: if any credential does not decrypt, nothing is written, because with a wrong key
 * most values fail and importing the few that slip through would store garbage in place of a credential. With
 * `skipFailed` the readable ones are imported and the others are left where they were (and reported).
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { AuditRecord } from '../audit/audit-trail';
import { writeTransaction } from '../audit/audit-trail';
import type { Env } from '../env';
import { CLI_ACTOR, cliRequest, openExistingHub } from '../runtime/offline';
import { importAigneHub, type AigneHubImportResult } from './aigne-hub-import';
import { readAigneHubDatabase } from './aigne-hub-source';
import {
  reencryptLegacyCredentials,
  type LegacyFailure,
  type LegacyReencryptResult,
} from './legacy-credentials';
import type { LegacyKey } from './legacy-secret';

export interface BlockletImportOptions {
  legacy: LegacyKey;
  /** An AIGNE Hub database to import from; without it, this hub's own credentials are converted in place. */
  from?: string;
  /** Import what decrypts and leave the rest, instead of importing nothing when anything fails. */
  skipFailed?: boolean;
}

export type BlockletImportReport =
  | { mode: 'in-place'; committed: boolean; result: LegacyReencryptResult }
  | { mode: 'aigne-hub'; file: string; committed: boolean; result: AigneHubImportResult };

/** At most this many ids go into an audit event; the counts are always complete. */
const MAX_IDS_IN_EVENT = 100;

/** Thrown inside the transaction to roll it back while keeping the report. */
class Rollback extends Error {
  constructor(readonly report: BlockletImportReport) {
    super('rolled back');
  }
}

export function importBlocklet(
  env: Env,
  logger: Logger,
  options: BlockletImportOptions,
): BlockletImportReport {
  const hub = openExistingHub(env, logger);
  try {
    const { services } = hub;
    const file = options.from === undefined ? undefined : path.resolve(options.from);
    // Read before the transaction: ATTACH is not allowed inside one.
    const snapshot = file === undefined ? undefined : readAigneHubDatabase(services.hubDb.$client, file);
    const request = cliRequest();
    try {
      return writeTransaction(services.hubDb, (tx) => {
        const report: BlockletImportReport =
          file === undefined || snapshot === undefined
            ? {
                mode: 'in-place',
                committed: true,
                result: reencryptLegacyCredentials(tx, services.keyring, options.legacy),
              }
            : {
                mode: 'aigne-hub',
                file,
                committed: true,
                result: importAigneHub(tx, services.keyring, snapshot, options.legacy),
              };
        if (report.result.failures.length > 0 && options.skipFailed !== true) {
          throw new Rollback({ ...report, committed: false });
        }
        if (changed(report)) services.audit.append(tx, CLI_ACTOR, request, auditRecord(report));
        return report;
      });
    } catch (error) {
      if (!(error instanceof Rollback)) throw error;
      const failed = distinctIds(error.report.result.failures);
      services.audit.record(CLI_ACTOR, request, {
        action: 'keys.importBlocklet',
        outcome: 'error',
        reason: `${failed.length} credential(s) could not be decrypted; nothing was imported`,
        targetType: 'credentials',
        details: {
          mode: error.report.mode,
          ...(error.report.mode === 'aigne-hub' && { file: path.basename(error.report.file) }),
          failedCredentialIds: failed.slice(0, MAX_IDS_IN_EVENT),
        },
      });
      return error.report;
    }
  } finally {
    hub.close();
  }
}

function changed(report: BlockletImportReport): boolean {
  return report.mode === 'in-place'
    ? report.result.credentialIds.length > 0
    : report.result.importedProviders.length > 0 || report.result.importedModelRates > 0;
}

function auditRecord(report: BlockletImportReport): AuditRecord {
  const failedCredentialIds = distinctIds(report.result.failures).slice(0, MAX_IDS_IN_EVENT);
  if (report.mode === 'in-place') {
    const { credentialIds, fieldCount } = report.result;
    return {
      action: 'keys.importBlocklet',
      outcome: 'success',
      targetType: 'credentials',
      details: {
        mode: report.mode,
        credentialCount: credentialIds.length,
        credentialIds: credentialIds.slice(0, MAX_IDS_IN_EVENT),
        fieldCount,
        failedCredentialIds,
      },
    };
  }
  const result = report.result;
  return {
    action: 'keys.importBlocklet',
    outcome: 'success',
    targetType: 'credentials',
    details: {
      mode: report.mode,
      file: path.basename(report.file),
      importedProviders: result.importedProviders,
      skippedProviders: result.skippedProviders.map(({ name, reason }) => ({ name, reason })),
      credentialCount: result.importedCredentials.length,
      credentialIds: result.importedCredentials.slice(0, MAX_IDS_IN_EVENT).map((imported) => imported.id),
      plaintextFieldCount: result.plaintextFieldCount,
      failedCredentialIds,
      importedModelRates: result.importedModelRates,
      skippedModelRates: result.skippedModelRates,
    },
  };
}

/** The credential ids of failures, once each, in order. */
export function distinctIds(failures: readonly LegacyFailure[]): string[] {
  return [...new Set(failures.map((failure) => failure.credentialId))];
}
