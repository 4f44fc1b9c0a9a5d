/**
 * Graceful shutdown: what `hub.close()` does, and so what SIGTERM / SIGINT do.
 *
 * 1. Stop accepting: the listening socket closes (new connections are refused), requests arriving on open
 *    keep-alive connections get 503 with `Connection: close`, idle connections are closed.
 * 2. Let requests and streams in flight finish, up to the grace period (HUB_SHUTDOWN_GRACE_MS), or until `hurry()`
 *    (a second signal).
 * 3. Cut what is still running: its sockets are destroyed. The gateway sees the client go away, aborts the
 *    upstream call and meters what was used so far as `aborted` (usage record, charge and audit event, as for a
 *    client that disconnects).
 * 4. Settle: a request that finished normally was metered before its last byte was sent (the gateway commits the
 *    record before answering, or before ending a stream), so only cut requests need waiting for; they reach the
 *    meter a few event-loop turns after their socket closes. Every cut stream (an SSE response: the gateway
 *    meters each stream it started) is waited for by its request id until its record is handed in; other cut
 *    requests (an AI call still waiting for the upstream's first byte) by a quiet spell with nothing new arriving.
 *    Then until the meter has written everything (its writes are synchronous transactions).
 * The caller then closes the databases.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerResponse } from 'node:http';
import type { HubApp } from '../app';
import type { HubServices } from '../services';

/** How long the meter must stay quiet after the last cut request before the databases may close. */
const QUIET_MS = 150;
/** Settling never takes longer than this, whatever happens (a stuck handler must not stop the shutdown). */
const SETTLE_LIMIT_MS = 10_000;
/** Request ids of recent usage records remembered, to know which cut streams were metered already. */
const REMEMBERED_RECORDS = 10_000;

export interface ShutdownOptions {
  /** Overrides the configured grace period for this shutdown. */
  graceMs?: number;
}

export interface ShutdownReport {
  /** Requests still running when the grace period ended, whose connections were cut. */
  cut: number;
  /** Milliseconds from the start of the shutdown until everything was written. */
  tookMs: number;
}

/** Watches requests from the start (so it knows what is in flight) and runs the shutdown once. */
export class GracefulShutdown {
  readonly #active = new Set<ServerResponse>();
  /** When a response last closed before it was complete (a cut, or a client that went away). */
  #lastCutAt = 0;
  #closing = false;
  /** Request ids with a usage record handed in, newest last (bounded). */
  readonly #metered = new Set<string>();
  /** Cut streams whose usage record has not been handed in yet. */
  readonly #awaited = new Set<string>();
  #drained: Promise<ShutdownReport> | undefined;
  #hurry: () => void = () => undefined;
  readonly #hurried = new Promise<void>((resolve) => {
    this.#hurry = resolve;
  });

  constructor(
    private readonly app: HubApp,
    private readonly services: HubServices,
    private readonly graceMs: number,
  ) {
    services.gateway.meter.onRecord = (requestId) => {
      if (requestId === null) return;
      this.#awaited.delete(requestId);
      this.#metered.add(requestId);
      if (this.#metered.size > REMEMBERED_RECORDS) {
        this.#metered.delete(this.#metered.values().next().value!);
      }
    };
    app.server.on('request', (_request, response: ServerResponse) => {
      this.#active.add(response);
      response.once('close', () => {
        this.#active.delete(response);
        if (!response.writableFinished) this.#lastCutAt = Date.now();
        if (this.#closing && this.#active.size === 0) this.app.server.closeIdleConnections();
      });
    });
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.#active.size;
  }

  /** Ends the grace period now (a second signal): what still runs is cut at once. */
  hurry(): void {
    this.#hurry();
  }

  /** Runs the shutdown (steps 1-4 above); every call returns the same promise. */
  drain(options: ShutdownOptions = {}): Promise<ShutdownReport> {
    this.#drained ??= this.#drain(options.graceMs ?? this.graceMs);
    return this.#drained;
  }

  async #drain(graceMs: number): Promise<ShutdownReport> {
    const started = Date.now();
    const { logger } = this.services;
    this.#closing = true;
    const closed = this.app.close();
    // Connections whose last response already finished are idle: close them now rather than after the grace.
    if (this.#active.size === 0) this.app.server.closeIdleConnections();
    const grace = new AbortController();
    const inTime = await Promise.race([
      closed.then(() => true),
      this.#hurried.then(() => false),
      sleep(graceMs, false, { signal: grace.signal }).catch(() => false),
    ]);
    grace.abort();
    let cut = 0;
    if (!inTime) {
      cut = this.#active.size;
      if (cut > 0) {
        logger.warn({ inFlight: cut, graceMs }, 'grace period over: cutting requests still running');
        // Their 'close' events come later; the quiet spell of `#settle` counts from now at the earliest.
        this.#lastCutAt = Date.now();
        for (const response of this.#active) {
          const id = response.getHeader('x-request-id');
          const stream = String(response.getHeader('content-type')).startsWith('text/event-stream');
          if (stream && typeof id === 'string' && !this.#metered.has(id)) this.#awaited.add(id);
        }
      }
      this.app.server.closeAllConnections();
    }
    await closed;
    await this.#settle();
    const report = { cut, tookMs: Date.now() - started };
    logger.info(report, 'requests drained and usage written');
    return report;
  }

  async #settle(): Promise<void> {
    const meter = this.services.gateway.meter;
    const limit = Date.now() + SETTLE_LIMIT_MS;
    let received = meter.received;
    let quietSince = this.#lastCutAt;
    for (;;) {
      if (meter.received !== received || !meter.idle) {
        received = meter.received;
        quietSince = Date.now();
      }
      const quiet = Date.now() - Math.max(quietSince, this.#lastCutAt) >= QUIET_MS;
      if (meter.idle && quiet && this.#active.size === 0 && this.#awaited.size === 0) return;
      if (Date.now() > limit) {
        this.services.logger.error(
          { unmetered: [...this.#awaited] },
          'usage records were still arriving when the shutdown stopped waiting',
        );
        return;
      }
      await sleep(10);
    }
  }
}
