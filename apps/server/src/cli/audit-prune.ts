/**
 * `aigne-hub audit prune`: removes audit events older than the retention, behind checkpoints (ops/audit-retention),
 * and shows how `audit verify` describes a trail that starts from a checkpoint. Safe while the hub runs: each batch
 * is one short transaction.
 */
import type { Command } from 'commander';
import type { VerifyChainResult } from '@aigne-hub/core';
import { pruneAuditTrail, type PruneReport } from '../ops/audit-retention';
import { CLI_ACTOR, cliLogger, cliRequest, openExistingHub } from '../runtime/offline';
import { CliError, UsageError, commandEnv, print, withDataDir, type DataDirOptions } from './common';

interface PruneCommandOptions extends DataDirOptions {
  olderThan?: string;
  dryRun?: boolean;
}

export function registerAuditPruneCommand(audit: Command): void {
  withDataDir(
    audit
      .command('prune')
      .description(
        'Remove audit events older than the retention (the audit.retentionDays setting, or --older-than). ' +
          'Each batch first writes a checkpoint event (range, count and hash of what it removes), so audit verify ' +
          'still proves the rest of the trail; the run itself is audited. Refuses to prune a trail that does not verify.',
      )
      .option('--older-than <days>', 'remove events older than this many days (default: the setting)')
      .option('--dry-run', 'only count what would be removed'),
  ).action(async (opts: PruneCommandOptions) => {
    const days = daysOption(opts.olderThan);
    const env = commandEnv(opts);
    const hub = openExistingHub(env, cliLogger(env));
    try {
      const { services } = hub;
      const retentionDays = days ?? services.settings.get().audit.retentionDays;
      if (retentionDays === 0) {
        print(
          'Audit retention is off (setting audit.retentionDays is 0): nothing pruned.',
          'Set a retention in the admin app, or pass --older-than <days>.',
        );
        return;
      }
      const report = await pruneAuditTrail(services, {
        retentionDays,
        now: services.clock(),
        actor: CLI_ACTOR,
        request: cliRequest(),
        dryRun: opts.dryRun === true,
      });
      print(...describePrune(report));
      if (!report.dryRun && report.prunedCount > 0) {
        const result = services.audit.verify();
        if (!result.ok) {
          throw new CliError(
            `after pruning, the audit trail does not verify at seq ${result.seq}: ${result.reason}`,
          );
        }
        print(...describeVerified(result));
      }
    } finally {
      hub.close();
    }
  });
}

function daysOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const days = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(days >= 1 && days <= 36_500)) {
    throw new UsageError('--older-than must be a whole number of days between 1 and 36500');
  }
  return days;
}

export function describePrune(report: PruneReport): string[] {
  const older = `older than ${report.retentionDays} day(s) (before ${report.cutoff})`;
  if (report.prunedCount === 0) return [`Nothing to prune: no audit event is ${older}.`];
  const range = `seq ${report.fromSeq}-${report.toSeq}`;
  if (report.dryRun) return [`Would prune ${report.prunedCount} audit event(s) ${older}: ${range}.`];
  const checkpoints = report.batches.map((batch) => batch.checkpointSeq).join(', ');
  return [
    `Pruned ${report.prunedCount} audit event(s) ${older}: ${range}.`,
    `  checkpoint event(s) at seq ${checkpoints}; run recorded as audit.prune at seq ${report.eventSeq ?? '?'}`,
  ];
}

/** The lines `audit verify` prints for a trail that verifies. */
export function describeVerified(result: Extract<VerifyChainResult, { ok: true }>): string[] {
  if (result.head === null) return ['Audit trail is empty.'];
  const lines = [
    `Audit trail OK: ${result.count} event(s) verified; head seq ${result.head.seq}, hash ${result.head.hash}`,
  ];
  const checkpoint = result.checkpoint;
  if (checkpoint) {
    lines.push(
      `  verified from the checkpoint at seq ${checkpoint.seq}: events through seq ${checkpoint.toSeq} were pruned by retention (this checkpoint removed seq ${checkpoint.fromSeq}-${checkpoint.toSeq}, ${checkpoint.firstTs} to ${checkpoint.lastTs}; prefix hash ${checkpoint.prefixHash})`,
    );
  }
  if (result.headRecord === 'unsealed') {
    lines.push(
      '  the recorded head is not sealed yet (written by the upgrade); the next audited change seals it',
    );
  }
  return lines;
}
