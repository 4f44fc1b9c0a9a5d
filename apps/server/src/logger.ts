/**
 * Structured JSON logs on stdout. Everything logged passes the core redactor on the way out: objects are
 * redacted (secret-named fields masked, key-shaped text masked anywhere), message strings are scrubbed, and
 * errors keep their stack (scrubbed too) because the operator needs it. No code path can log a secret in clear.
 *
 * On a terminal the same lines are shown pretty (pino-pretty). Prettifying happens AFTER pino has formatted,
 * i.e. after the redactor ran, on the finished JSON line: the pretty output can only show what the JSON line
 * holds, so it is exactly as redacted. It is synchronous, so no line is lost when the process exits.
 *
 * Every line of a request carries its `requestId`: Fastify logs through a child logger bound to it (app.ts).
 */
import { redact, redactText } from '@aigne-hub/core';
import pino, { type DestinationStream, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { Env } from './env';

export interface LoggerOptions {
  /**
   * Human-readable lines instead of JSON. Default: when no destination is given and stdout is a terminal
   * (an operator watching `aigne-hub start`); log collectors, pipes and files get JSON.
   */
  pretty?: boolean;
  /** Colours in pretty output (default: when writing to a terminal). */
  colorize?: boolean;
}

export function createLogger(
  env: Pick<Env, 'logLevel'>,
  destination?: DestinationStream,
  options: LoggerOptions = {},
): Logger {
  const pretty = options.pretty ?? (destination === undefined && process.stdout.isTTY === true);
  const out = pretty
    ? prettyDestination(destination ?? process.stdout, options.colorize ?? destination === undefined)
    : destination;
  const logger = pino(
    {
      level: env.logLevel,
      base: { service: 'aigne-hub' },
      // Errors are serialized in `formatters.log` (before redaction); pino's own pass afterwards must not redo it.
      serializers: { err: (value: unknown) => value },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg) => (typeof arg === 'string' ? redactText(arg) : arg)) as typeof args,
          );
        },
      },
      formatters: {
        // The root's bindings; pino does not apply this to children's (see `child` below).
        bindings(bindings) {
          return redact(bindings) as Record<string, unknown>;
        },
        log(object) {
          const copy: Record<string, unknown> = { ...object };
          for (const key of ['err', 'error']) {
            if (copy[key] instanceof Error) copy[key] = pino.stdSerializers.err(copy[key]);
          }
          return redact(copy, { maxStringLength: 8000 }) as Record<string, unknown>;
        },
      },
    },
    out,
  );
  // A child's bindings (Fastify's per-request `requestId`, anything bound later) are written into every line
  // it logs, but pino passes them through no formatter: redact them on the way in. Children inherit `child`
  // from their parent, so this holds at any depth.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with each (grand)child as `this`
  const child = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, redact(bindings) as typeof bindings, childOptions);
  } as Logger['child'];
  return logger;
}

/** A destination that turns each finished (already redacted) JSON line into a pretty one. */
function prettyDestination(
  out: DestinationStream | NodeJS.WritableStream,
  colorize: boolean,
): DestinationStream {
  const format = prettyFactory({
    colorize,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    singleLine: false,
  });
  return {
    write(line: string) {
      out.write(format(line));
    },
  };
}
