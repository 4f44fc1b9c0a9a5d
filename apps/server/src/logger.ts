import pino, { type Logger } from 'pino';
import type { Env } from './env';

/** Structured JSON logs on stdout. */
export function createLogger(env: Pick<Env, 'logLevel'>): Logger {
  return pino({ level: env.logLevel, base: { service: 'aigne-hub' } });
}
