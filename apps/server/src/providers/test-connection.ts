/**
 * "Does this credential work?": one real, minimal upstream call (list models) with a deadline, reported as
 * `{ ok, latencyMs, status?, error? }`. Nothing here touches the database: callers decide what the outcome
 * means for the credential, and make the call outside any transaction.
 */
import { isHubError } from '@aigne-hub/core';
import { providerSpec } from './registry';
import { secretStrings, withDeadline, type UpstreamTarget } from './upstream';
import { safeUpstreamText } from './upstream-error';
import { wireAdapter } from './wire/index';

/** Why a test failed, as far as the credential is concerned. */
export type ConnectionFailure =
  /** The upstream refused the credential (401/403, or Gemini's API_KEY_INVALID). */
  | 'rejected'
  /** No answer within the deadline. */
  | 'timeout'
  /** No HTTP answer at all: refused connection, DNS failure, TLS error. */
  | 'unreachable'
  /** Any other error answer (429, 5xx, an unexpected 4xx). */
  | 'upstream_error';

export interface ConnectionTestResult {
  ok: boolean;
  latencyMs: number;
  /** The upstream's HTTP status when it answered (200 on success). */
  status?: number;
  /** Redacted and scrubbed of the credential's secret: safe to show and to audit. */
  error?: string;
  failure?: ConnectionFailure;
  /** How many models the first page listed (on success). */
  modelCount?: number;
}

/** Lists models at `target` within `timeoutMs` and reports how it went. Never throws for upstream faults. */
export async function testConnection(
  target: UpstreamTarget,
  options: { timeoutMs: number },
): Promise<ConnectionTestResult> {
  const adapter = wireAdapter(providerSpec(target.kind).wireFormat);
  const started = performance.now();
  const outcome = await withDeadline(options.timeoutMs, (call) => adapter.listModels(target, call));
  const latencyMs = Math.round(performance.now() - started);
  if ('value' in outcome) {
    return { ok: true, latencyMs, status: 200, modelCount: outcome.value.length };
  }
  // Our own refusals (a target the adapter cannot use) are errors of the caller, not of the upstream.
  if (isHubError(outcome.error)) throw outcome.error;
  const secrets = secretStrings(target.secret);
  if (outcome.timedOut) {
    return {
      ok: false,
      latencyMs,
      failure: 'timeout',
      error: `No answer within ${options.timeoutMs} ms`,
    };
  }
  const info = adapter.describeError(outcome.error);
  const error = safeUpstreamText(info.message, secrets);
  if (info.status === null) return { ok: false, latencyMs, failure: 'unreachable', error };
  return {
    ok: false,
    latencyMs,
    status: info.status,
    failure: info.rejected ? 'rejected' : 'upstream_error',
    error,
  };
}
