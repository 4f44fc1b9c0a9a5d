/**
 * `aigne-hub keys rotate` and `aigne-hub keys import-blocklet`: the command-line side (options, output, exit
 * codes). The work is done in keys/rotate.ts and keys/import-blocklet.ts.
 */
import type { Command } from 'commander';
import { importBlocklet, distinctIds, type BlockletImportReport } from '../keys/import-blocklet';
import type { LegacyKey } from '../keys/legacy-secret';
import { rotateMasterKey, type RotationReport } from '../keys/rotate';
import { cliLogger } from '../runtime/offline';
import { CliError, UsageError, commandEnv, print, withDataDir, type DataDirOptions } from './common';

export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('Manage the master keys that encrypt stored credentials.');

  withDataDir(
    keys
      .command('rotate')
      .description(
        'Make a new master key the active one and re-encrypt every stored secret under it, in one transaction. ' +
          'With a key file, a new key is generated and written first in the file; with HUB_ENCRYPTION_KEYS, put ' +
          'the new key first in it before running this. Stop the hub first.',
      ),
  ).action((opts: DataDirOptions) => {
    const env = commandEnv(opts);
    print(...formatRotation(rotateMasterKey(env, cliLogger(env))));
  });

  withDataDir(
    keys
      .command('import-blocklet')
      .description(
        "Re-encrypt credentials written by @blocklet/sdk (an AIGNE Hub) under this hub's keys. Without --from, " +
          'converts legacy values already in this hub; with --from, imports providers, credentials and model ' +
          'rates from an AIGNE Hub database (aikit.db). All or nothing unless --skip-failed.',
      )
      .option('--from <file>', "an AIGNE Hub database to import from (its data folder's aikit.db)")
      .option(
        '--app-ek <ek>',
        "the AIGNE Hub's BLOCKLET_APP_EK (default: BLOCKLET_APP_EK); '-' reads it from stdin, which keeps it out of the process list",
      )
      .option('--blocklet-did <did>', "the AIGNE Hub's BLOCKLET_DID (default: BLOCKLET_DID)")
      .option('--skip-failed', 'import what decrypts and leave the rest, instead of importing nothing'),
  ).action(async (opts: ImportOptions) => {
    const env = commandEnv(opts);
    const legacy = await legacyKeyFrom(opts, env.blocklet);
    const report = importBlocklet(env, cliLogger(env), {
      legacy,
      ...(opts.from !== undefined && { from: opts.from }),
      skipFailed: opts.skipFailed === true,
    });
    print(...formatImport(report));
    const failed = distinctIds(report.result.failures);
    if (failed.length > 0) {
      throw new CliError(
        report.committed
          ? `${failed.length} credential(s) could not be decrypted and were left as they were`
          : `${failed.length} credential(s) could not be decrypted, so nothing was imported (check BLOCKLET_APP_EK and BLOCKLET_DID, or use --skip-failed)`,
      );
    }
  });
}

interface ImportOptions extends DataDirOptions {
  from?: string;
  appEk?: string;
  blockletDid?: string;
  skipFailed?: boolean;
}

async function legacyKeyFrom(opts: ImportOptions, blocklet: LegacyKey | undefined): Promise<LegacyKey> {
  const appEk = opts.appEk === '-' ? (await readStdin()).trim() : (opts.appEk ?? blocklet?.appEk);
  const did = opts.blockletDid ?? blocklet?.did;
  if (!appEk || !did) {
    throw new UsageError(
      'the AIGNE Hub key is needed: pass --app-ek and --blocklet-did (its BLOCKLET_APP_EK and BLOCKLET_DID), or run under Blocklet Server',
    );
  }
  return { appEk, did };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function formatRotation(report: RotationReport): string[] {
  const { counts } = report;
  if (report.nothingToDo) {
    return [
      `Nothing to re-encrypt: every secret is already under key ${report.activeKeyId}, the first key of HUB_ENCRYPTION_KEYS.`,
      'To rotate, put a new key FIRST in HUB_ENCRYPTION_KEYS (keep the old keys after it) and run this again.',
    ];
  }
  const lines = [
    'Master key rotated.',
    `  active key:     ${report.activeKeyId}`,
    `  previous keys:  ${report.previousKeyIds.join(', ') || '(none)'}`,
    `  re-encrypted:   ${counts.credentialCount} credential(s) (${counts.credentialFieldCount} secret field(s)), ${counts.systemSecretCount} system secret(s)`,
    `  unchanged:      ${counts.unchangedCredentialCount} credential(s) already under the active key or without secrets`,
  ];
  if (report.keyFile !== null) {
    lines.push(
      `  key file:       ${report.keyFile} (new key first, previous keys after it)`,
      '',
      'BACK UP the key file again now. The previous keys stay in it so that backups of the data folder taken',
      'before this rotation can still be read; remove them once no backup you may restore needs them.',
    );
  } else {
    lines.push(
      '',
      'The previous keys can be removed from HUB_ENCRYPTION_KEYS once no backup you may restore needs them.',
    );
  }
  return lines;
}

export function formatImport(report: BlockletImportReport): string[] {
  const failures = report.result.failures.map(
    (failure) =>
      `  failed: credential ${failure.credentialId}${failure.field ? ` field ${failure.field}` : ''}: ${describeFailure(failure.reason)}`,
  );
  const verb = report.committed ? 'Imported' : 'Would have imported';
  if (report.mode === 'in-place') {
    const { credentialIds, fieldCount } = report.result;
    if (credentialIds.length === 0 && failures.length === 0) {
      return ['No credential holds @blocklet/sdk ciphertext; nothing to do.'];
    }
    return [
      `${verb} ${credentialIds.length} credential(s) (${fieldCount} secret field(s)) under this hub's keys.`,
      ...failures,
    ];
  }
  const result = report.result;
  return [
    `From ${report.file}:`,
    `  providers:    ${verb.toLowerCase()} ${result.importedProviders.length}${result.importedProviders.length > 0 ? ` (${result.importedProviders.join(', ')})` : ''}`,
    ...result.skippedProviders.map(
      (skipped) =>
        `  skipped provider ${skipped.name} and its ${skipped.credentialCount} credential(s): ${
          skipped.reason === 'exists'
            ? 'this hub already has a provider with that name'
            : 'not supported by this hub'
        }`,
    ),
    `  credentials:  ${verb.toLowerCase()} ${result.importedCredentials.length}${
      result.plaintextFieldCount > 0
        ? ` (${result.plaintextFieldCount} secret field(s) were stored unencrypted in the source)`
        : ''
    }`,
    ...(result.orphanCredentialIds.length > 0
      ? [
          `  skipped ${result.orphanCredentialIds.length} credential(s) whose provider is missing in the source`,
        ]
      : []),
    `  model rates:  ${verb.toLowerCase()} ${result.importedModelRates}, skipped ${result.skippedModelRates} (existing, unsupported type or invalid)`,
    ...failures,
  ];
}

function describeFailure(reason: BlockletImportReport['result']['failures'][number]['reason']): string {
  switch (reason) {
    case 'legacy_failed':
      return 'does not decrypt with this BLOCKLET_APP_EK / BLOCKLET_DID';
    case 'implausible':
      return 'decrypts to something that is not a credential (wrong key?)';
    default:
      return 'the stored value is not a JSON object';
  }
}
