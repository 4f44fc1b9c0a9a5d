/**
 * `aigne-hub audit verify` and `aigne-hub audit export`: checking and copying the audit trail from the machine,
 * also on a copy or backup of the data folder (with its master key).
 *
 * Both only read: unlike their API counterparts they write no audit event of their own, because they are meant
 * to run on copies and backups, where appending to the chain under inspection would change the evidence.
 */
import { Option, type Command } from 'commander';
import {
  iterateAuditEvents,
  exportHeader,
  exportLine,
  type AuditExportFormat,
} from '../routers/audit-events/query';
import { cliLogger, openExistingHub } from '../runtime/offline';
import { describeVerified, registerAuditPruneCommand } from './audit-prune';
import {
  CliError,
  commandEnv,
  isoOption,
  keepingStdout,
  print,
  withDataDir,
  writeOut,
  type DataDirOptions,
} from './common';

/** Output is handed to stdout in chunks of about this many characters. */
const CHUNK_CHARS = 64 * 1024;

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('Check and export the tamper-evident audit trail.');

  withDataDir(
    audit
      .command('verify')
      .description(
        'Verify the hash chain of every audit event. Exits 0 with the count and head hash, or 1 naming the first bad event (seq, id, reason).',
      ),
  ).action((opts: DataDirOptions) => {
    const env = commandEnv(opts);
    const hub = openExistingHub(env, cliLogger(env));
    try {
      const result = hub.services.audit.verify();
      if (!result.ok) {
        const event = result.id === null ? 'no such event' : `id ${result.id}`;
        throw new CliError(
          `audit trail BROKEN at seq ${result.seq} (${event}, event ${result.index + 1} in order): ${result.reason}: ${result.message}`,
        );
      }
      print(...describeVerified(result));
    } finally {
      hub.close();
    }
  });

  withDataDir(
    audit
      .command('export')
      .description('Write audit events to stdout, oldest first, as NDJSON (one JSON object a line) or CSV.')
      .addOption(
        new Option('--format <format>', 'output format').choices(['ndjson', 'csv']).default('ndjson'),
      )
      .option('--since <time>', 'only events at or after this ISO-8601 date or time')
      .option('--until <time>', 'only events before this ISO-8601 date or time'),
  ).action(async (opts: DataDirOptions & { format: AuditExportFormat; since?: string; until?: string }) => {
    const from = isoOption('--since', opts.since);
    const to = isoOption('--until', opts.until);
    const env = commandEnv(opts);
    const hub = openExistingHub(env, cliLogger(env));
    try {
      await keepingStdout(() => streamExport(hub.services.hubDb, opts.format, { from, to }));
    } finally {
      hub.close();
    }
  });

  registerAuditPruneCommand(audit);
}

async function streamExport(
  db: Parameters<typeof iterateAuditEvents>[0],
  format: AuditExportFormat,
  filters: { from: string | undefined; to: string | undefined },
): Promise<void> {
  try {
    let chunk = exportHeader(format);
    for (const event of iterateAuditEvents(db, filters)) {
      chunk += exportLine(format, event);
      if (chunk.length >= CHUNK_CHARS) {
        await writeOut(chunk);
        chunk = '';
      }
    }
    if (chunk !== '') await writeOut(chunk);
  } catch (error) {
    // The reader went away (`| head`): that is how a pipe says "enough", not a failure.
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return;
    throw error;
  }
}
