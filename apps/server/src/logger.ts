/**
 * Structured JSON logs on stdout. Everything logged passes the core redactor on the way out: objects are
 * redacted (secret-named fields masked, key-shaped text masked anywhere), message strings are scrubbed, and
 * errors keep their stack (scrubbed too) because the operator needs it. No code path can log a secret in clear.
 */
import { redact, redactText } from '@aigne-hub/core';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Env } from './env';

export function createLogger(env: Pick<Env, 'logLevel'>, destination?: DestinationStream): Logger {
  return pino(
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
        log(object) {
          const copy: Record<string, unknown> = { ...object };
          for (const key of ['err', 'error']) {
            if (copy[key] instanceof Error) copy[key] = pino.stdSerializers.err(copy[key]);
          }
          return redact(copy, { maxStringLength: 8000 }) as Record<string, unknown>;
        },
      },
    },
    destination,
  );
}
