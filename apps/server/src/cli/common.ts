/**
 * What every `aigne-hub` command shares: exit codes, the `--data-dir` option, the environment, and writing to
 * stdout without losing output when it is piped.
 */
import type { Command } from 'commander';
import { loadEnv, type Env } from '../env';

/** 0 done; 1 the command ran and failed (or found a problem); 2 it was called wrongly. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** A failure the command explains itself: its message is printed as is, as one line. */
export class CliError extends Error {
  override name = 'CliError';

  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}

/** The command was called wrongly (a bad argument or option value): exit code 2. */
export class UsageError extends CliError {
  override name = 'UsageError';

  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

export interface DataDirOptions {
  dataDir?: string;
}

export function withDataDir(command: Command): Command {
  return command.option('-d, --data-dir <dir>', 'data folder (default: HUB_DATA_DIR or ./data)');
}

/** The validated environment, with `--data-dir` taking the place of HUB_DATA_DIR. */
export function commandEnv(opts: DataDirOptions, extra: Record<string, string> = {}): Env {
  return loadEnv({
    ...process.env,
    ...extra,
    ...(opts.dataDir !== undefined && { HUB_DATA_DIR: opts.dataDir }),
  });
}

/** Prints lines to stdout. */
export function print(...lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * Writes a chunk to stdout and resolves once it has been handed on, so that a large export waits for a slow
 * reader instead of piling up in memory. Rejects when the reader went away (`aigne-hub audit export | head`:
 * EPIPE), so the caller stops; the caller keeps an `error` listener on stdout meanwhile (see `keepingStdout`).
 */
export function writeOut(chunk: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    process.stdout.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

/**
 * Runs `fn` with a listener for stdout errors: without one, an EPIPE from a closed pipe is an unhandled `error`
 * event and kills the process with a stack trace. The error itself reaches `fn` through `writeOut`.
 */
export async function keepingStdout<T>(fn: () => Promise<T>): Promise<T> {
  const ignore = () => undefined;
  process.stdout.on('error', ignore);
  try {
    return await fn();
  } finally {
    process.stdout.off('error', ignore);
  }
}

/** Parses `--since`/`--until`: an ISO-8601 date or time; returns the stored form (UTC, ms, `Z`). */
export function isoOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/i.test(value)
    ? Date.parse(value)
    : Number.NaN;
  if (Number.isNaN(time)) {
    throw new UsageError(
      `${name} must be an ISO-8601 date or time such as 2025-01-31 or 2025-01-31T12:00:00Z`,
    );
  }
  return new Date(time).toISOString();
}
