/**
 * Credential choice and health for the gateway's failover. Per request: the enabled credentials of the
 * provider, weighted; a credential that failed is skipped for the rest of that request. A credential that
 * answered 429 cools down at once for the provider's Retry-After (the provider said so). One that failed with
 * 5xx, a timeout or a broken connection cools down only after OPEN_AFTER_FAILURES failures in a row (circuit
 * breaker, exponential backoff): a single transient error says little about the next call, and cooling every
 * credential on every blip turns a flaky upstream into an outage (the reliability suite showed it: with one
 * failure in three, two credentials were almost always both cooling). Cooled credentials are tried again when
 * the cooldown ends. One that answered 401/403 is marked invalid, audited, and skipped until an admin fixes
 * it. Health lives in the database so that the admin app shows it.
 */
import { randomInt } from 'node:crypto';
import { and, credentials, eq, sql, type Credential, type HubDatabase } from '@aigne-hub/db';
import { connectionOf, prepared } from '../db/prepared';
import { credentialFromRow } from '../db/rows';
import { SYSTEM_ACTOR, writeTransaction, type AuditTrail, type RequestMeta } from '../audit/audit-trail';
import type { UpstreamFailure } from './adapters/types';

/** Transient failures in a row (no success between, each within FAILURE_STREAK_MS) that open the circuit. */
const OPEN_AFTER_FAILURES = 3;
const FAILURE_STREAK_MS = 60_000;
const BASE_COOLDOWN_MS = 10_000;
const MAX_COOLDOWN_MS = 5 * 60_000;
const RATE_LIMIT_COOLDOWN_MS = 30_000;

export class CredentialPool {
  /** Consecutive transient failures per credential (reset by a success or a quiet minute), for the breaker. */
  readonly #failures = new Map<string, { count: number; lastMs: number }>();

  constructor(
    private readonly db: HubDatabase,
    private readonly audit: AuditTrail,
  ) {}

  /** Every credential of the provider, for choosing among them. */
  load(providerId: string): Credential[] {
    return (
      prepared(connectionOf(this.db), 'SELECT * FROM credentials WHERE provider_id = ?').all(
        providerId,
      ) as Record<string, unknown>[]
    ).map(credentialFromRow);
  }

  /**
   * A weighted random pick among the usable credentials not in `exclude`, or null when none is left. `cooling`
   * tells whether some were passed over only because they are cooling down (the error then says so).
   */
  pick(
    all: Credential[],
    exclude: ReadonlySet<string>,
    nowMs: number,
  ): { credential: Credential | null; cooling: number | null } {
    let earliestCooldownEnd: number | null = null;
    const usable: Credential[] = [];
    let total = 0;
    for (const credential of all) {
      if (exclude.has(credential.id) || !credential.enabled || credential.weight <= 0) continue;
      if (credential.status === 'invalid') continue;
      const cooldownEnd = credential.cooldownUntil?.getTime() ?? 0;
      if (cooldownEnd > nowMs) {
        earliestCooldownEnd = Math.min(earliestCooldownEnd ?? cooldownEnd, cooldownEnd);
        continue;
      }
      usable.push(credential);
      total += credential.weight;
    }
    if (usable.length === 0) return { credential: null, cooling: earliestCooldownEnd };
    let ticket = randomInt(total);
    for (const credential of usable) {
      ticket -= credential.weight;
      if (ticket < 0) return { credential, cooling: null };
    }
    return { credential: usable[usable.length - 1]!, cooling: null };
  }

  succeeded(credentialId: string): void {
    this.#failures.delete(credentialId);
  }

  /**
   * Records what a failure says about the credential. Auth failures mark it invalid (audited as a credential
   * event); transient ones cool it down. Returns the cooldown end (ms) when one was set.
   */
  failed(credential: Credential, failure: UpstreamFailure, now: Date, request: RequestMeta): number | null {
    if (failure.kind === 'auth') {
      writeTransaction(this.db, (tx) => {
        tx.update(credentials)
          .set({
            status: 'invalid',
            statusReason: failure.message.slice(0, 500),
            lastErrorAt: now,
            cooldownUntil: null,
          })
          .where(eq(credentials.id, credential.id))
          .run();
        this.audit.append(tx, SYSTEM_ACTOR, request, {
          action: 'credentials.invalidate',
          outcome: 'success',
          reason: failure.message,
          targetType: 'credential',
          targetId: credential.id,
          details: { providerId: credential.providerId, status: failure.status },
        });
      });
      return null;
    }
    if (!['rate_limited', 'server', 'timeout', 'connection'].includes(failure.kind)) return null;
    const streak = this.#failures.get(credential.id);
    const nowMs = now.getTime();
    const count = streak && nowMs - streak.lastMs < FAILURE_STREAK_MS ? streak.count + 1 : 1;
    this.#failures.set(credential.id, { count, lastMs: nowMs });
    if (failure.kind !== 'rate_limited' && count < OPEN_AFTER_FAILURES) return null;
    const backoff =
      failure.kind === 'rate_limited'
        ? (failure.retryAfterSeconds ?? 0) * 1000 || RATE_LIMIT_COOLDOWN_MS
        : Math.min(MAX_COOLDOWN_MS, BASE_COOLDOWN_MS * 2 ** (count - OPEN_AFTER_FAILURES));
    const until = nowMs + backoff;
    this.db
      .update(credentials)
      .set({
        status: 'cooling',
        statusReason: failure.message.slice(0, 500),
        cooldownUntil: new Date(until),
        lastErrorAt: now,
      })
      .where(and(eq(credentials.id, credential.id), sql`${credentials.status} != 'invalid'`))
      .run();
    return until;
  }
}
