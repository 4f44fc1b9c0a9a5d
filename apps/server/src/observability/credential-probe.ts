/**
 * The credential health probe. A credential that cooled down (429/5xx) or was marked invalid (401/403) stays
 * so in the admin app until traffic proves otherwise, and an invalid one gets no traffic at all. The probe
 * checks such credentials in the background with the same call as an admin's "test" (list models, a few
 * hundred bytes, no tokens), and records what it learns the same way: the credential's health updated by
 * the shared rule (`healthAfterTest`) and one `credentials.probe` audit event, in one transaction.
 *
 * Rate-limited three ways: a credential is checked at most once per `healthProbe.intervalMinutes` (an admin's
 * test counts), at most `maxPerTick` per tick, one at a time; a cooling credential is left alone until its
 * cooldown (often the provider's own Retry-After) is over. Paid providers (every kind but a local ollama) are
 * probed only when `healthProbe.paidProviders` is on, which it is not by default.
 *
 * The hub's clock decides what is due, so tests drive the probe with a fake clock and call `tick()` directly.
 */
import { randomUUID } from 'node:crypto';
import {
  and,
  credentials,
  eq,
  inArray,
  providers,
  type Credential,
  type Provider,
  type ProviderKind,
} from '@aigne-hub/db';
import { SYSTEM_ACTOR, writeTransaction, type RequestMeta } from '../audit/audit-trail';
import {
  openCredential,
  testConnection,
  upstreamTarget,
  type ConnectionTestResult,
} from '../providers/index';
import { healthAfterTest } from '../routers/credentials/health';
import type { HubServices } from '../services';
import { lastChecks, PROBE_ACTION } from './credential-checks';

/** Kinds that cost nothing to call: a self-hosted Ollama. Every other kind may bill or rate-limit the key. */
const FREE_KINDS: ReadonlySet<ProviderKind> = new Set(['ollama']);

export function isPaidProvider(kind: ProviderKind): boolean {
  return !FREE_KINDS.has(kind);
}

/** Probes wait at most this long for an answer (and never longer than the gateway's own timeout). */
const PROBE_TIMEOUT_MS = 15_000;

export interface ProbeOptions {
  /** How often the probe looks for due credentials (default one minute). */
  tickMs?: number;
  /** At most this many probes per tick (default 5). */
  maxPerTick?: number;
  /** Runs `tick` every `ms`; returns a cancel function. Default: an unref'd setInterval. */
  schedule?: (tick: () => void, ms: number) => () => void;
}

/** What one probe found (also what the metrics count as `result`). */
export type ProbeResult = 'ok' | 'rejected' | 'timeout' | 'unreachable' | 'upstream_error' | 'unusable';

export interface ProbeReport {
  credentialId: string;
  provider: string;
  result: ProbeResult;
  /** The credential's status before and after (after: null when it was deleted meanwhile). */
  from: Credential['status'];
  to: Credential['status'] | null;
}

const defaultSchedule = (tick: () => void, ms: number) => {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
};

export class CredentialProbe {
  readonly #tickMs: number;
  readonly #maxPerTick: number;
  readonly #schedule: NonNullable<ProbeOptions['schedule']>;
  #cancel: (() => void) | null = null;
  #running: Promise<ProbeReport[]> | null = null;
  #stopped = false;

  constructor(
    private readonly services: HubServices,
    options: ProbeOptions = {},
  ) {
    this.#tickMs = options.tickMs ?? 60_000;
    this.#maxPerTick = options.maxPerTick ?? 5;
    this.#schedule = options.schedule ?? defaultSchedule;
  }

  start(): void {
    if (this.#cancel || this.#stopped) return;
    this.#cancel = this.#schedule(() => {
      this.tick().catch((error: unknown) =>
        this.services.logger.error({ err: error }, 'credential probe failed'),
      );
    }, this.#tickMs);
  }

  /** Stops scheduling and waits for a tick in progress (so the databases can close after it). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancel?.();
    this.#cancel = null;
    await this.#running?.catch(() => undefined);
  }

  /** One sweep: probes the credentials that are due. A tick while another runs joins that one. */
  tick(): Promise<ProbeReport[]> {
    if (this.#stopped) return Promise.resolve([]);
    this.#running ??= this.#sweep().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** The credentials a tick would probe now, oldest check first. */
  due(): { credential: Credential; provider: Provider }[] {
    const { settings, hubDb, clock } = this.services;
    const config = settings.get().healthProbe;
    if (!config.enabled) return [];
    const nowMs = clock().getTime();
    const rows = hubDb
      .select({ credential: credentials, provider: providers })
      .from(credentials)
      .innerJoin(providers, eq(providers.id, credentials.providerId))
      .where(
        and(
          eq(credentials.enabled, true),
          eq(providers.enabled, true),
          inArray(credentials.status, ['cooling', 'invalid']),
        ),
      )
      .all()
      .filter(({ credential, provider }) => {
        if (isPaidProvider(provider.kind) && !config.paidProviders) return false;
        // A cooling credential is left alone while its cooldown runs: the provider asked for the pause.
        return credential.status !== 'cooling' || (credential.cooldownUntil?.getTime() ?? 0) <= nowMs;
      });
    const checks = lastChecks(
      hubDb,
      rows.map((row) => row.credential.id),
    );
    const interval = config.intervalMinutes * 60_000;
    const lastAt = (id: string) => Date.parse(checks.get(id)?.at ?? '1970-01-01T00:00:00.000Z');
    return rows
      .filter((row) => nowMs - lastAt(row.credential.id) >= interval)
      .sort((a, b) => lastAt(a.credential.id) - lastAt(b.credential.id))
      .slice(0, this.#maxPerTick);
  }

  async #sweep(): Promise<ProbeReport[]> {
    const reports: ProbeReport[] = [];
    for (const { credential, provider } of this.due()) {
      if (this.#stopped) break;
      reports.push(await this.#probe(credential, provider));
    }
    return reports;
  }

  /**
   * Like the `credentials.test` handler, in three steps so that no transaction is open while waiting for the
   * network: the secret decrypted in memory, the call, then status and audit event in one transaction.
   */
  async #probe(credential: Credential, provider: Provider): Promise<ProbeReport> {
    const { services } = this;
    const request: RequestMeta = { requestId: randomUUID(), ip: null, userAgent: null };
    const subject = {
      providerId: provider.id,
      providerName: provider.name,
      providerKind: provider.kind,
      name: credential.name,
    };
    const timeoutMs = Math.min(PROBE_TIMEOUT_MS, services.settings.get().gateway.upstreamTimeoutMs);
    let result: ConnectionTestResult | null = null;
    let unusable: string | null = null;
    try {
      result = await testConnection(upstreamTarget(provider, openCredential(services.keyring, credential)), {
        timeoutMs,
      });
    } catch (error) {
      // Undecryptable or incomplete: no call can be made. Recorded, so it is not retried every tick.
      unusable = error instanceof Error ? error.message : 'The credential cannot be used';
    }
    const outcome: ProbeResult = result
      ? result.ok
        ? 'ok'
        : (result.failure ?? 'upstream_error')
      : 'unusable';

    const to = writeTransaction(services.hubDb, (tx) => {
      const current = tx.select().from(credentials).where(eq(credentials.id, credential.id)).get();
      // Deleted, or given a new secret, while the call was out: the answer is about a key that is gone.
      const stillSame =
        current !== undefined && JSON.stringify(current.value) === JSON.stringify(credential.value);
      let status = current?.status ?? null;
      if (stillSame && result) {
        status = tx
          .update(credentials)
          .set(healthAfterTest(result, services.clock()))
          .where(eq(credentials.id, credential.id))
          .returning({ status: credentials.status })
          .get().status;
      }
      services.audit.append(tx, SYSTEM_ACTOR, request, {
        action: PROBE_ACTION,
        outcome: outcome === 'ok' ? 'success' : 'error',
        reason: outcome === 'ok' ? null : (unusable ?? result?.error ?? outcome),
        targetType: 'credential',
        targetId: credential.id,
        details: {
          ...subject,
          ok: outcome === 'ok',
          latencyMs: result?.latencyMs ?? null,
          timeoutMs,
          status: result?.status ?? null,
          failure: outcome === 'ok' ? null : outcome,
          modelCount: result?.modelCount ?? null,
          credentialStatus: { from: credential.status, to: status },
          ...(!stillSame && { applied: false }),
        },
      });
      return status;
    });

    services.gateway.metrics.probed(provider.name, outcome);
    services.logger[outcome === 'ok' ? 'info' : 'warn'](
      {
        requestId: request.requestId,
        credentialId: credential.id,
        provider: provider.name,
        result: outcome,
        from: credential.status,
        to,
        ...(result?.error !== undefined && { error: result.error }),
      },
      'credential probed',
    );
    return {
      credentialId: credential.id,
      provider: provider.name,
      result: outcome,
      from: credential.status,
      to,
    };
  }
}
