/**
 * The last health check of a credential, whichever way it was made: the background probe
 * (`credentials.probe`) or an admin's "test" (`credentials.test`). Both are audit events, so the audit trail
 * is where the results are stored: tamper-evident, pruned by the same retention, and no second copy to keep
 * in step. The credentials router shows the newest one as `lastCheck`; the probe uses its time to decide
 * when a credential is due again.
 */
import type { HubDatabase } from '@aigne-hub/db';
import { connectionOf, prepared } from '../db/prepared';

export const PROBE_ACTION = 'credentials.probe';
export const TEST_ACTION = 'credentials.test';

/** What the admin app shows of a credential's last check. */
export interface CredentialCheck {
  /** `probe`: the background probe; `test`: an admin pressed "test". */
  source: 'probe' | 'test';
  /** When it was made (ISO-8601 UTC). */
  at: string;
  ok: boolean;
  /** How long the provider took to answer, in ms (null when no call was made). */
  latencyMs: number | null;
  /** The provider's HTTP status (null without an HTTP answer). */
  httpStatus: number | null;
  /** Why it failed: rejected, timeout, unreachable, upstream_error, unusable (null when ok). */
  failure: string | null;
  /** The provider's error text, redacted (null when ok). */
  error: string | null;
}

const LAST_CHECK = `SELECT action, ts, outcome, reason, details FROM audit_events
  WHERE target_type = 'credential' AND target_id = ? AND action IN ('${PROBE_ACTION}', '${TEST_ACTION}')
  ORDER BY seq DESC LIMIT 1`;

interface CheckRow {
  action: string;
  ts: string;
  outcome: string;
  reason: string | null;
  details: string | null;
}

/**
 * The last check of each credential in `ids` (absent: never checked, or its event was pruned). One indexed
 * lookup per credential (audit_events_target_seq_idx), walking back only over that credential's own events.
 */
export function lastChecks(db: HubDatabase, ids: readonly string[]): Map<string, CredentialCheck> {
  const statement = prepared(connectionOf(db), LAST_CHECK);
  const checks = new Map<string, CredentialCheck>();
  for (const id of ids) {
    const row = statement.get(id) as CheckRow | undefined;
    if (row) checks.set(id, checkFromRow(row));
  }
  return checks;
}

function checkFromRow(row: CheckRow): CredentialCheck {
  const details = (row.details ? JSON.parse(row.details) : {}) as Record<string, unknown>;
  const ok = row.outcome === 'success';
  const number = (value: unknown) => (typeof value === 'number' ? value : null);
  return {
    source: row.action === PROBE_ACTION ? 'probe' : 'test',
    at: row.ts,
    ok,
    latencyMs: number(details.latencyMs),
    httpStatus: number(details.status),
    failure: ok ? null : typeof details.failure === 'string' ? details.failure : 'failed',
    error: ok ? null : row.reason,
  };
}
