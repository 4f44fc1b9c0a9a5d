/**
 * `aigne-hub backup <file>` and `aigne-hub restore <file>`: the command-line side (options, output). The work is
 * done in ops/backup.ts and ops/restore.ts. Nothing printed here is a key or a secret: key ids only.
 */
import type { Command } from 'commander';
import { createBackup, describeKeyLocation, type BackupResult } from '../ops/backup';
import { restoreBackup, type RestoreReport } from '../ops/restore';
import { cliLogger } from '../runtime/offline';
import { commandEnv, print, withDataDir, type DataDirOptions } from './common';

interface ForceOptions extends DataDirOptions {
  force?: boolean;
}

export function registerBackupCommands(program: Command): void {
  withDataDir(
    program
      .command('backup')
      .argument('<file>', 'the backup file to write (a tar archive)')
      .description(
        'Write a consistent copy of hub.db and auth.db, with a manifest, into one file; safe while the hub runs. ' +
          'The master key is not in it: keep the key apart, a restore needs both.',
      )
      .option('--force', 'replace <file> if it exists'),
  ).action(async (file: string, opts: ForceOptions) => {
    const env = commandEnv(opts);
    const result = await createBackup(env, file, { force: opts.force === true });
    print(...formatBackup(result, describeKeyLocation(env)));
  });

  withDataDir(
    program
      .command('restore')
      .argument('<file>', 'a file written by aigne-hub backup')
      .description(
        'Restore a backup into the data folder. Refuses while a hub runs there, and unless the configured master ' +
          'key decrypts every credential and the audit trail verifies; nothing changes when it refuses.',
      )
      .option(
        '--force',
        'replace the hub already in the data folder (its files are kept in replaced-<time>/)',
      ),
  ).action((file: string, opts: ForceOptions) => {
    const env = commandEnv(opts);
    print(...formatRestore(restoreBackup(env, file, cliLogger(env), { force: opts.force === true })));
  });
}

export function formatBackup(result: BackupResult, key: { where: string; missing: boolean }): string[] {
  const { manifest } = result;
  const head = manifest.audit.head;
  const keyIds = manifest.keyIds.join(', ') || '(none)';
  const lines = [
    `Backup written: ${result.file} (${result.bytes} bytes)`,
    `  hub version:     ${manifest.hubVersion} (migrations: hub ${manifest.migrations.hub ?? '-'}, auth ${manifest.migrations.auth ?? '-'})`,
    `  audit trail:     ${manifest.audit.events} event(s)${head ? `, head seq ${head.seq}, hash ${head.hash}` : ''}`,
    `  contents:        ${manifest.counts.credentials} credential(s), ${manifest.counts.users} user(s), ${manifest.counts.usageRecords} usage record(s)`,
    `  master key ids:  ${keyIds}`,
    '',
    `The master key is NOT in this backup. It is ${key.where}.`,
    `Keep a copy of that key apart from the backup: a restore needs BOTH (key id(s) ${keyIds}).`,
    'The backup alone cannot decrypt the stored credentials; the key alone holds no data.',
  ];
  if (key.missing) {
    lines.push(
      '',
      '!! That key file does not exist on this machine: find the key before you need this backup.',
    );
  }
  return lines;
}

export function formatRestore(report: RestoreReport): string[] {
  const { manifest, credentials, audit } = report;
  const lines = [
    `Restored ${report.file} into ${report.dataDir}.`,
    `  backup:          made ${manifest.createdAt} by aigne-hub ${manifest.hubVersion}`,
    `  credentials:     ${credentials.decrypted} of ${credentials.total} decrypt with the configured master key`,
    `  audit trail:     verified, ${audit.count} event(s), head seq ${audit.head?.seq ?? 0}; restore recorded at seq ${report.restoreEventSeq}`,
    `  usage records:   ${manifest.counts.usageRecords}`,
  ];
  if (credentials.notOurs.length > 0) {
    lines.push(
      `  not encrypted by this hub (as in the backup): ${credentials.notOurs.join(', ')}; see aigne-hub keys import-blocklet`,
    );
  }
  if (report.replacedDir !== null) lines.push(`  previous files:  ${report.replacedDir}`);
  lines.push('', `Start the hub with: aigne-hub start --data-dir ${report.dataDir}`);
  return lines;
}
