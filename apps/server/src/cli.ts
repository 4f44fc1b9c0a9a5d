/**
 * The `aigne-hub` command line. Every command prints a clear one-line reason and exits non-zero when it
 * cannot do its job; nothing here prints a secret.
 */
import { Command, CommanderError } from 'commander';
import { isHubError } from '@aigne-hub/core';
import { registerAuditCommands } from './cli/audit';
import { registerBackupCommands } from './cli/backup';
import { CliError, EXIT } from './cli/common';
import { registerKeysCommands } from './cli/keys';
import { registerOwnerCommands } from './cli/owner';
import { EnvError, loadEnv } from './env';
import { startHub } from './hub';
import { HUB_VERSION } from './version';

export function buildCli(): Command {
  const program = new Command('aigne-hub')
    .description('A self-hosted AI gateway hub.')
    .version(HUB_VERSION)
    // Usage errors as one line, like every other error (subcommands inherit this and exitOverride).
    .configureOutput({
      outputError: (text, write) => write(`aigne-hub: ${text.trim().replace(/^error: /, '')} (see --help)\n`),
    })
    .exitOverride();

  program
    .command('start')
    .description('Start the hub: API, AI gateway and web app on one port.')
    .option('-p, --port <port>', 'port to listen on (default: PORT or 8090)')
    .option('--host <host>', 'interface to listen on (default: HOST or 0.0.0.0)')
    .option('-d, --data-dir <dir>', 'data folder (default: HUB_DATA_DIR or ./data)')
    .action(async (opts: { port?: string; host?: string; dataDir?: string }) => {
      const env = loadEnv({
        ...process.env,
        ...(opts.port !== undefined && { PORT: opts.port }),
        ...(opts.host !== undefined && { HOST: opts.host }),
        ...(opts.dataDir !== undefined && { HUB_DATA_DIR: opts.dataDir }),
      });
      const hub = await startHub(env);
      const lines = [
        '',
        `aigne-hub ${HUB_VERSION} is running at ${hub.url}`,
        `  data folder: ${env.dataDir} (hub.db, auth.db)`,
        `  master key:  ${describeKeySource(hub.keys.source, hub.keys.keyFile)}`,
      ];
      if (hub.keys.created) {
        lines.push(
          '',
          '  !! A new master key was created. BACK IT UP now, apart from the data folder:',
          `  !!   ${hub.keys.keyFile}`,
          '  !! Without it the provider credentials stored in this hub can never be decrypted.',
        );
      }
      lines.push('');
      if (hub.setupCode) {
        lines.push(
          '  This hub has no owner yet. To become its owner, open the URL above, sign in with your DID wallet',
          `  and enter this one-time setup code (also in ${env.dataDir}/setup-code):`,
          '',
          `      ${hub.setupCode}`,
          '',
          '  Or, from this machine: pnpm hub owner set <your DID>',
        );
      } else if (env.blocklet) {
        lines.push(
          '  Under Blocklet Server: people sign in through Blocklet Server, and their roles come from it.',
        );
      } else {
        lines.push(`  Owners and admins sign in at ${hub.url} with their DID wallet.`);
      }
      lines.push('', `  health: ${hub.url}/api/health`, '  stop:   Ctrl+C', '');
      process.stdout.write(lines.join('\n'));
      // The first signal drains gracefully (ops/shutdown.ts); a second one cuts what still runs at once, and the
      // pending usage records are still written before the databases close.
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) {
          hub.logger.warn({ signal }, 'second signal: cutting the requests still running');
          hub.shutdown.hurry();
          return;
        }
        stopping = true;
        hub.logger.info(
          { signal, inFlight: hub.shutdown.inFlight, graceMs: env.shutdownGraceMs },
          'shutting down: no new connections, waiting for requests in flight',
        );
        hub.close().then(
          () => process.exit(0),
          (error: unknown) => {
            hub.logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });

  registerOwnerCommands(program);
  registerKeysCommands(program);
  registerAuditCommands(program);
  registerBackupCommands(program);
  return program;
}

function describeKeySource(source: string, keyFile: string | undefined): string {
  switch (source) {
    case 'env':
      return 'from HUB_ENCRYPTION_KEYS';
    case 'blocklet':
      return 'derived from BLOCKLET_APP_EK and BLOCKLET_DID';
    default:
      return keyFile ?? 'key file';
  }
}

/**
 * Turns any failure into one line on stderr and an exit code (no stack: it is not for the operator):
 * 0 done (also --help and --version), 1 failed, 2 called wrongly (unknown command or option, bad value).
 */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the message (or the help) already.
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    const known = error instanceof EnvError || error instanceof CliError || isHubError(error);
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`aigne-hub: ${known ? '' : 'unexpected error: '}${message.split('\n')[0]}\n`);
    process.exitCode = error instanceof CliError ? error.exitCode : EXIT.failure;
  }
}
