/**
 * Audit retention: removing the events older than the configured number of days, without losing the ability to
 * prove the rest of the trail.
 *
 * How a prune coexists with the append-only trail: the database refuses every DELETE on `audit_events` except of
 * events the NEWEST `audit.checkpoint` event accounts for (trigger of the `audit_retention` migration). So each
 * batch, in one IMMEDIATE transaction:
 * 1. verifies the events it is about to remove, from the anchor the trail currently starts at (seq 1 / genesis,
 *    or the previous checkpoint): evidence of tampering is never pruned away, the job stops instead;
 * 2. appends a checkpoint event holding the range, count, time span and the hash of the last removed event (which,
 *    chained, commits to the whole removed prefix): this is what the trigger lets the delete through for;
 * 3. deletes exactly that range, and checks that exactly that many rows went.
 * `audit verify` then starts the remaining chain from that checkpoint. A crash between batches leaves a trail
 * that verifies; within a batch nothing happens at all. Batches are small so that a long prune never holds the
 * write lock for long while the hub serves, and the hub's own job yields to requests between them.
 *
 * Each run that removed anything ends with one `audit.prune` event (the job audited as a whole), also when it
 * failed half-way (outcome `error`, saying what was done).
 */
import { randomUUID } from 'node:crypto';
import {
  AUDIT_CHECKPOINT_ACTION,
  AUDIT_GENESIS_HASH,
  PreconditionFailedError,
  ValidationError,
  checkpointDetails,
  checkpointOf,
  readCheckpoint,
  type AuditChainHead,
  type AuditDetails,
  type AuditEvent,
} from '@aigne-hub/core';
import type { HubDatabase, HubTransaction } from '@aigne-hub/db';
import {
  SYSTEM_ACTOR,
  iterateEvents,
  newestCheckpoint,
  writeTransaction,
  type AuditActor,
  type RequestMeta,
} from '../audit/audit-trail';
import type { HubServices } from '../services';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Events removed per transaction (each batch gets its own checkpoint). */
export const DEFAULT_PRUNE_BATCH = 10_000;

export interface PruneOptions {
  /** Events older than this many days are removed (a whole number, at least 1). */
  retentionDays: number;
  /** The time the retention is counted back from. */
  now: Date;
  actor: AuditActor;
  request: RequestMeta;
  batchSize?: number;
  /** Only count what would be removed. */
  dryRun?: boolean;
  /** Awaited between batches; when it returns false the run stops early (the hub is shutting down). */
  between?: () => Promise<boolean>;
}

export interface PrunedBatch {
  /** Seq of the batch's checkpoint event. */
  checkpointSeq: number;
  fromSeq: number;
  toSeq: number;
}

export interface PruneReport {
  retentionDays: number;
  /** ISO time: events before it are removed. */
  cutoff: string;
  /** Events removed (for a dry run: that would be). */
  prunedCount: number;
  /** First and last removed seq, null when none. */
  fromSeq: number | null;
  toSeq: number | null;
  batches: PrunedBatch[];
  dryRun: boolean;
  /** True when `between` stopped the run before everything due was removed. */
  stopped: boolean;
  /** Seq of the run's `audit.prune` event, null when nothing was removed. */
  eventSeq: number | null;
}

/** Removes, behind checkpoints, every audit event older than `retentionDays` (see the module comment). */
export async function pruneAuditTrail(services: HubServices, opts: PruneOptions): Promise<PruneReport> {
  if (!Number.isSafeInteger(opts.retentionDays) || opts.retentionDays < 1) {
    throw new ValidationError('The audit retention must be a whole number of days, at least 1');
  }
  const batchSize = opts.batchSize ?? DEFAULT_PRUNE_BATCH;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new ValidationError('The prune batch size must be a positive whole number');
  }
  const cutoff = new Date(opts.now.getTime() - opts.retentionDays * DAY_MS).toISOString();
  const db = services.hubDb;
  const due = dueRange(db, cutoff);
  const report: PruneReport = {
    retentionDays: opts.retentionDays,
    cutoff,
    prunedCount: 0,
    fromSeq: null,
    toSeq: null,
    batches: [],
    dryRun: opts.dryRun === true,
    stopped: false,
    eventSeq: null,
  };
  if (due === null) return report;
  if (opts.dryRun === true) {
    return { ...report, prunedCount: due.toSeq - due.fromSeq + 1, fromSeq: due.fromSeq, toSeq: due.toSeq };
  }

  const extra: AuditDetails = { cutoff, retentionDays: opts.retentionDays, runId: opts.request.requestId };
  try {
    for (;;) {
      const batch = writeTransaction(db, (tx) =>
        pruneBatch(services, tx, due.toSeq, batchSize, opts.actor, opts.request, extra),
      );
      if (batch === null) break;
      report.batches.push(batch);
      report.fromSeq ??= batch.fromSeq;
      report.toSeq = batch.toSeq;
      report.prunedCount += batch.toSeq - batch.fromSeq + 1;
      if (batch.toSeq >= due.toSeq) break;
      if (opts.between && !(await opts.between())) {
        report.stopped = true;
        break;
      }
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    recordRun(services, opts, report, reason);
    throw error;
  }
  if (report.batches.length > 0) report.eventSeq = recordRun(services, opts, report, null);
  return report;
}

/** The events due: from the oldest one up to the last one before the first event at or after the cutoff. */
function dueRange(db: HubDatabase, cutoff: string): { fromSeq: number; toSeq: number } | null {
  const sqlite = db.$client;
  const bounds = sqlite.prepare('SELECT min(seq) AS first, max(seq) AS last FROM audit_events').get() as {
    first: number | null;
    last: number | null;
  };
  if (bounds.first === null || bounds.last === null) return null;
  // Clocks can step back, so the prefix ends before the FIRST event that is recent enough, whatever follows.
  const kept = sqlite.prepare('SELECT min(seq) AS seq FROM audit_events WHERE ts >= ?').get(cutoff) as {
    seq: number | null;
  };
  const toSeq = kept.seq === null ? bounds.last : kept.seq - 1;
  return toSeq >= bounds.first ? { fromSeq: bounds.first, toSeq } : null;
}

/** One batch, inside `tx`: verify, checkpoint, delete. Null when nothing up to `throughSeq` is left. */
function pruneBatch(
  services: HubServices,
  tx: HubTransaction,
  throughSeq: number,
  batchSize: number,
  actor: AuditActor,
  request: RequestMeta,
  extra: AuditDetails,
): PrunedBatch | null {
  const db = services.hubDb;
  const sqlite = db.$client;
  const first = (sqlite.prepare('SELECT min(seq) AS seq FROM audit_events').get() as { seq: number | null })
    .seq;
  if (first === null || first > throughSeq) return null;
  const toSeq = Math.min(throughSeq, first + batchSize - 1);
  const anchor = anchorOf(db, first);
  const verified = services.audit.verifyEvents(iterateEvents(db, { fromSeq: first, toSeq }), { anchor });
  const expected = toSeq - first + 1;
  if (!verified.ok) {
    throw new PreconditionFailedError(
      `the audit trail does not verify at seq ${verified.seq} (${verified.reason}); nothing from there on was pruned, so that the evidence stays: run aigne-hub audit verify`,
    );
  }
  if (verified.count !== expected) {
    throw new PreconditionFailedError(
      `the audit trail has ${verified.count} events between seq ${first} and ${toSeq} instead of ${expected}; nothing from there on was pruned`,
    );
  }
  const checkpoint = checkpointOf(eventAt(db, first), eventAt(db, toSeq));
  const event = services.audit.append(tx, actor, request, {
    action: AUDIT_CHECKPOINT_ACTION,
    outcome: 'success',
    targetType: 'auditEvents',
    targetId: `${first}-${toSeq}`,
    details: checkpointDetails(checkpoint, extra),
  });
  const removed = sqlite.prepare('DELETE FROM audit_events WHERE seq BETWEEN ? AND ?').run(first, toSeq);
  if (removed.changes !== expected) {
    // Throwing rolls the checkpoint back with it.
    throw new Error(`pruning removed ${removed.changes} events instead of ${expected}`);
  }
  return { checkpointSeq: event.seq, fromSeq: first, toSeq };
}

/** What the event at `first` must link to: the genesis, or the prefix the newest checkpoint removed. */
function anchorOf(db: HubDatabase, first: number): AuditChainHead {
  if (first === 1) return { seq: 0, hash: AUDIT_GENESIS_HASH };
  const event = newestCheckpoint(db);
  const checkpoint = event === null ? null : readCheckpoint(event);
  if (checkpoint === null || checkpoint.toSeq !== first - 1) {
    throw new PreconditionFailedError(
      `the audit trail starts at seq ${first} without a checkpoint for the events before it; nothing was pruned: run aigne-hub audit verify`,
    );
  }
  return { seq: checkpoint.toSeq, hash: checkpoint.prefixHash };
}

function eventAt(db: HubDatabase, seq: number): AuditEvent {
  const [event] = iterateEvents(db, { fromSeq: seq, toSeq: seq });
  if (event === undefined) throw new Error(`no audit event at seq ${seq}`);
  return event;
}

/** The run's own event; a failure to write it is logged, not thrown over the run's result. */
function recordRun(services: HubServices, opts: PruneOptions, report: PruneReport, error: string | null) {
  try {
    return services.audit.record(opts.actor, opts.request, {
      action: 'audit.prune',
      outcome: error === null ? 'success' : 'error',
      reason: error,
      targetType: 'auditEvents',
      targetId: report.fromSeq === null ? null : `${report.fromSeq}-${report.toSeq}`,
      details: {
        retentionDays: report.retentionDays,
        cutoff: report.cutoff,
        prunedCount: report.prunedCount,
        fromSeq: report.fromSeq,
        toSeq: report.toSeq,
        checkpointSeqs: report.batches.map((batch) => batch.checkpointSeq),
        stopped: report.stopped,
      },
    }).seq;
  } catch (failure) {
    services.logger.error({ err: failure }, 'could not audit the audit prune');
    return null;
  }
}

export interface RetentionJobOptions {
  /** Time between runs (default: one hour). */
  intervalMs?: number;
  /** Time from start to the first run (default: one minute, so start-up is not slowed down). */
  initialDelayMs?: number;
  batchSize?: number;
}

/**
 * The hub's own retention job: when the `audit.retentionDays` setting is above 0, prunes on a timer (as the
 * `system` actor). It yields to requests between batches and stops between batches on shutdown.
 */
export class AuditRetentionJob {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopping = false;

  constructor(
    private readonly services: HubServices,
    private readonly options: RetentionJobOptions = {},
  ) {}

  start(): void {
    const interval = this.options.intervalMs ?? 60 * 60 * 1000;
    const tick = () => {
      this.#timer = setTimeout(tick, interval).unref();
      void this.run();
    };
    this.#timer = setTimeout(tick, this.options.initialDelayMs ?? 60 * 1000).unref();
  }

  /** One run now (also what the timer does); resolves with its report, or null when retention is off. */
  run(): Promise<PruneReport | null> {
    if (this.#running !== undefined || this.#stopping) return Promise.resolve(null);
    const run = this.#prune().finally(() => {
      this.#running = undefined;
    });
    this.#running = run;
    return run;
  }

  /** Stops the timer and waits for a run in progress to finish its current batch. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }

  async #prune(): Promise<PruneReport | null> {
    const { services } = this;
    const retentionDays = services.settings.get().audit.retentionDays;
    if (retentionDays === 0) return null;
    try {
      const report = await pruneAuditTrail(services, {
        retentionDays,
        now: services.clock(),
        actor: SYSTEM_ACTOR,
        request: { requestId: randomUUID(), ip: null, userAgent: null },
        ...(this.options.batchSize !== undefined && { batchSize: this.options.batchSize }),
        between: () => new Promise((resolve) => setImmediate(() => resolve(!this.#stopping))),
      });
      if (report.prunedCount > 0) {
        services.logger.info(
          { prunedCount: report.prunedCount, cutoff: report.cutoff, toSeq: report.toSeq },
          'audit events pruned',
        );
      }
      return report;
    } catch (error) {
      services.logger.error({ err: error }, 'audit retention failed');
      return null;
    }
  }
}
