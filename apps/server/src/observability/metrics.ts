/**
 * The hub's Prometheus metrics (`GET /metrics`). One registry per hub, never prom-client's global one: tests
 * and the CLI build several hubs in one process, and each must count only its own traffic.
 *
 * Two kinds of metric:
 * - counted as things happen, from a few cheap hooks (HTTP responses, metered AI calls, upstream failures,
 *   probes). A hook is one or two label lookups and additions (about half a microsecond), no I/O, so the
 *   benchmarked hot path does not notice it;
 * - read from the database when scraped (credential health, audit chain length), so they are right even when
 *   another process (the CLI) changed the data, and cost nothing between scrapes.
 *
 * Label values are bounded: route patterns (never raw URLs), provider names (admin-made, few), endpoint and
 * failure kinds (fixed sets). No user, key or model id ever becomes a label.
 */
import type { HubDatabase } from '@aigne-hub/db';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { connectionOf, prepared } from '../db/prepared';

export const METRIC_PREFIX = 'aigne_hub_';

/** Credential states as the gauge reports them: the stored health, or `disabled` when switched off. */
export const CREDENTIAL_STATES = ['healthy', 'cooling', 'invalid', 'disabled'] as const;
export type CredentialState = (typeof CREDENTIAL_STATES)[number];

/** HTTP round trips: fast API calls up to slow uploads. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** AI calls: a cached embedding in tens of milliseconds up to a long generation in minutes. */
const GATEWAY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];

/** What a metered AI call reports (a subset of the gateway's `MeterEntry`). */
export interface MeteredCall {
  endpoint: string;
  provider: string;
  status: 'success' | 'error' | 'aborted';
  latencyMs: number;
  costMicro: number;
  usage: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWriteTokens: number };
}

export class HubMetrics {
  readonly registry = new Registry();
  #processMetrics = false;

  readonly #httpRequests = new Counter({
    name: `${METRIC_PREFIX}http_requests_total`,
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly #httpDuration = new Histogram({
    name: `${METRIC_PREFIX}http_request_duration_seconds`,
    help: 'Time to answer an HTTP request, to its last byte (a stream too), by method and route.',
    labelNames: ['method', 'route'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  readonly #gatewayRequests = new Counter({
    name: `${METRIC_PREFIX}gateway_requests_total`,
    help: 'AI calls metered, by endpoint (chat, embedding, image), provider and outcome (success, error, aborted).',
    labelNames: ['endpoint', 'provider', 'status'] as const,
    registers: [this.registry],
  });

  readonly #gatewayDuration = new Histogram({
    name: `${METRIC_PREFIX}gateway_request_duration_seconds`,
    help: 'Time from an AI call arriving to its last byte (streams included), by endpoint and provider.',
    labelNames: ['endpoint', 'provider'] as const,
    buckets: GATEWAY_BUCKETS,
    registers: [this.registry],
  });

  readonly #gatewayRefusals = new Counter({
    name: `${METRIC_PREFIX}gateway_refusals_total`,
    help: 'AI calls refused before any upstream call (scope, allowed models, rate limit, credits), by endpoint and error code.',
    labelNames: ['endpoint', 'code'] as const,
    registers: [this.registry],
  });

  readonly #upstreamErrors = new Counter({
    name: `${METRIC_PREFIX}upstream_errors_total`,
    help: 'Failed upstream attempts (each failover attempt counts), by provider and kind (rate_limited, server, timeout, connection, auth, bad_request, unsupported).',
    labelNames: ['provider', 'kind'] as const,
    registers: [this.registry],
  });

  readonly #creditsCharged = new Counter({
    name: `${METRIC_PREFIX}credits_charged_total`,
    help: 'Credits charged for AI calls (committed usage records), by provider.',
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });

  readonly #tokens = new Counter({
    name: `${METRIC_PREFIX}tokens_total`,
    help: 'Tokens metered, by provider and type (input, output, cache_read, cache_write).',
    labelNames: ['provider', 'type'] as const,
    registers: [this.registry],
  });

  readonly #probes = new Counter({
    name: `${METRIC_PREFIX}credential_probes_total`,
    help: 'Background health probes of cooled-down or invalid credentials, by provider and result (ok, rejected, timeout, unreachable, upstream_error, unusable).',
    labelNames: ['provider', 'result'] as const,
    registers: [this.registry],
  });

  constructor(db: HubDatabase) {
    const connection = connectionOf(db);
    new Gauge({
      name: `${METRIC_PREFIX}credentials`,
      help: 'Provider credentials by provider and state (healthy, cooling, invalid as stored; disabled when switched off).',
      labelNames: ['provider', 'state'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        const rows = prepared(connection, CREDENTIALS_BY_STATE).all() as {
          provider: string;
          state: CredentialState;
          n: number;
        }[];
        // Every state of every provider, zeros included: a state that empties reads 0, not "no data".
        for (const provider of new Set(rows.map((row) => row.provider))) {
          for (const state of CREDENTIAL_STATES) this.set({ provider, state }, 0);
        }
        for (const row of rows) this.set({ provider: row.provider, state: row.state }, row.n);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}audit_chain_length`,
      help: 'Events in the audit trail (after retention pruning, the events kept).',
      registers: [this.registry],
      collect() {
        this.set((prepared(connection, 'SELECT COUNT(*) AS n FROM audit_events').get() as { n: number }).n);
      },
    });
  }

  /** One answered HTTP request; `route` is the matched route pattern (`unmatched` for a 404 without route). */
  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.#httpRequests.inc({ method, route, status });
    this.#httpDuration.observe({ method, route }, seconds);
  }

  /**
   * One AI call, counted once its usage record is committed (so the counters agree with the database). Never
   * throws: it runs inside the meter's commit path, which must not fail (or retry) because of a metric.
   */
  metered(call: MeteredCall): void {
    const { endpoint, provider, usage } = call;
    try {
      this.#gatewayRequests.inc({ endpoint, provider, status: call.status });
      this.#gatewayDuration.observe({ endpoint, provider }, call.latencyMs / 1000);
      if (call.costMicro > 0) this.#creditsCharged.inc({ provider }, call.costMicro / 1_000_000);
      if (usage.inputTokens > 0) this.#tokens.inc({ provider, type: 'input' }, usage.inputTokens);
      if (usage.outputTokens > 0) this.#tokens.inc({ provider, type: 'output' }, usage.outputTokens);
      if (usage.cacheReadTokens > 0)
        this.#tokens.inc({ provider, type: 'cache_read' }, usage.cacheReadTokens);
      if (usage.cacheWriteTokens > 0)
        this.#tokens.inc({ provider, type: 'cache_write' }, usage.cacheWriteTokens);
    } catch {
      // A value prom-client refuses (not finite) is dropped; the usage record is the source of truth.
    }
  }

  /** An AI call refused before reaching any provider; `code` is the gateway error code. */
  refused(endpoint: string, code: string): void {
    this.#gatewayRefusals.inc({ endpoint, code });
  }

  /** One failed upstream attempt. */
  upstreamError(provider: string, kind: string): void {
    this.#upstreamErrors.inc({ provider, kind });
  }

  /** One background credential probe. */
  probed(provider: string, result: string): void {
    this.#probes.inc({ provider, result });
  }

  /**
   * The exposition text. Process metrics (CPU, memory, event loop lag, GC) are switched on at the first
   * scrape, so a hub nobody scrapes (or a CLI command) never runs their samplers.
   */
  async render(): Promise<string> {
    if (!this.#processMetrics) {
      this.#processMetrics = true;
      collectDefaultMetrics({ register: this.registry });
    }
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

const CREDENTIALS_BY_STATE = `SELECT p.name AS provider,
  CASE WHEN c.enabled = 0 THEN 'disabled' ELSE c.status END AS state, COUNT(*) AS n
  FROM credentials c JOIN providers p ON p.id = c.provider_id GROUP BY 1, 2`;
