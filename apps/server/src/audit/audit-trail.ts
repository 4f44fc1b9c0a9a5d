/**
 * The server side of the tamper-evident trail: appends events to `audit_events` chained onto the current head,
 * inside the caller's transaction, and reads the chain back for verification and export.
 *
 * The head is read inside the same (IMMEDIATE) transaction as the insert, never cached: a CLI command writing
 * while the hub runs (another process) then cannot fork the chain, and a rolled-back change leaves no event.
 *
 * Every append also moves the head record kept outside the trail (`audit_head`, sealed with the audit key), in
 * the same transaction, so that `verify` notices when the newest events are removed. A record that no longer
 * matches the chain is left alone, as evidence (see `writer`).
 */
import {
  AUDIT_CHECKPOINT_ACTION,
  AUDIT_GENESIS_HASH,
  auditKeyObject,
  isSealedHead,
  sealAuditHead,
  type AuditHeadRecord,
  type VerifyChainOptions,
  canonicalJson,
  createAuditEvent,
  verifyChain,
  type AuditChainHead,
  type AuditEvent,
  type AuditEventInput,
  type AuditVia,
  type VerifyChainResult,
} from '@aigne-hub/core';
import { type HubDatabase, type HubTransaction, type AuditEvent as AuditRow } from '@aigne-hub/db';
import type { KeyObject } from 'node:crypto';
import { connectionOf, prepared } from '../db/prepared';

/** Who acted and how they came in, as recorded on every event. */
export interface AuditActor {
  did: string | null;
  role: string | null;
  via: AuditVia | null;
}

/** Where a request came from. */
export interface RequestMeta {
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export const SYSTEM_ACTOR: AuditActor = { did: null, role: null, via: 'system' };
export const NO_REQUEST: RequestMeta = { requestId: null, ip: null, userAgent: null };

/** What a caller says about an event; actor and request come separately so call sites stay short. */
export type AuditRecord = Omit<
  AuditEventInput,
  'actorDid' | 'actorRole' | 'via' | 'ip' | 'userAgent' | 'requestId'
>;

export interface AuditChainWriter {
  append(actor: AuditActor, request: RequestMeta, record: AuditRecord): AuditEvent;
}

export class AuditTrail {
  readonly #key: KeyObject;

  constructor(
    private readonly db: HubDatabase,
    auditKey: Uint8Array,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.#key = auditKeyObject(auditKey);
  }

  /**
   * Appends one event inside `tx` (which must be a write transaction, see `writeTransaction`). If the
   * surrounding transaction rolls back, so does the event; if the insert fails, the caller's change fails.
   */
  append(
    tx: HubDatabase | HubTransaction,
    actor: AuditActor,
    request: RequestMeta,
    record: AuditRecord,
  ): AuditEvent {
    return this.writer(tx).append(actor, request, record);
  }

  /**
   * Appends several events inside one transaction, reading the head once (the gateway's group commit). Use it
   * only inside `tx`; prepared statements keep this off drizzle's per-call query building.
   */
  writer(tx: HubDatabase | HubTransaction): AuditChainWriter {
    const connection = connectionOf(tx);
    let head = (prepared(connection, 'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() ??
      null) as AuditChainHead | null;
    // The record follows the chain only while it matches it. One that does not (the newest events were removed,
    // or the record was replaced) is left as it is: moving it on would erase what `verify` reports.
    const tracking = this.#recordMatches(
      prepared(connection, SELECT_HEAD_RECORD).get() as AuditHeadRecord | undefined,
      head,
    );
    return {
      append: (actor, request, record) => {
        const event = createAuditEvent(
          { ...record, actorDid: actor.did, actorRole: actor.role, via: actor.via, ...request },
          head,
          this.#key,
          { now: this.clock() },
        );
        prepared(connection, INSERT_EVENT).run(toRow(event));
        head = { seq: event.seq, hash: event.hash };
        if (tracking) prepared(connection, UPSERT_HEAD_RECORD).run(sealAuditHead(head, this.#key));
        return event;
      },
    };
  }

  /** Records an event that accompanies no other change (a denied call, a failed sign-in). */
  record(actor: AuditActor, request: RequestMeta, record: AuditRecord): AuditEvent {
    return writeTransaction(this.db, (tx) => this.append(tx, actor, request, record));
  }

  /**
   * Verifies the whole trail, streaming rows so that memory stays flat for any length: the chain from its newest
   * checkpoint (or seq 1), and its end against the head record. One read transaction, so the three are one
   * consistent snapshot even while the hub or another process appends.
   */
  verify(): VerifyChainResult {
    return this.db.$client.transaction(() =>
      verifyChain(iterateEvents(this.db), this.#key, {
        checkpoint: newestCheckpoint(this.db),
        head: readHeadRecord(this.db),
      }),
    )();
  }

  /** Verifies `events` under this trail's key (the retention job checks each range before pruning it). */
  verifyEvents(events: Iterable<AuditEvent>, opts: VerifyChainOptions = {}): VerifyChainResult {
    return verifyChain(events, this.#key, opts);
  }

  /** An unsealed record (written by the upgrade) is adopted, and sealed by the next append, if it matches. */
  #recordMatches(record: AuditHeadRecord | undefined, head: AuditChainHead | null): boolean {
    if (record === undefined) return head === null;
    return (
      head !== null &&
      record.seq === head.seq &&
      record.hash === head.hash &&
      (record.mac === null || isSealedHead(record, this.#key))
    );
  }
}

/**
 * Runs `fn` in a BEGIN IMMEDIATE transaction: the write lock is taken up front, so reading the audit head and
 * appending after it cannot race another writer (another process included). `fn` must be synchronous.
 */
export function writeTransaction<T>(db: HubDatabase, fn: (tx: HubTransaction) => T): T {
  return db.transaction(fn, { behavior: 'immediate' });
}

const INSERT_EVENT = `INSERT INTO audit_events (seq, id, ts, actor_did, actor_role, via, ip, user_agent, request_id,
  action, target_type, target_id, outcome, reason, details, prev_hash, hash) VALUES (@seq, @id, @ts, @actorDid,
  @actorRole, @via, @ip, @userAgent, @requestId, @action, @targetType, @targetId, @outcome, @reason, @details,
  @prevHash, @hash)`;

const SELECT_HEAD_RECORD = 'SELECT seq, hash, mac FROM audit_head WHERE id = 1';

const UPSERT_HEAD_RECORD = `INSERT INTO audit_head (id, seq, hash, mac, updated_at) VALUES (1, @seq, @hash, @mac,
  cast(round(unixepoch('subsec') * 1000) as integer)) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq,
  hash = excluded.hash, mac = excluded.mac, updated_at = excluded.updated_at`;

/** The head recorded outside the trail, or null when there is none. */
export function readHeadRecord(db: HubDatabase): AuditHeadRecord | null {
  return (db.$client.prepare(SELECT_HEAD_RECORD).get() as AuditHeadRecord | undefined) ?? null;
}

/** The newest `audit.checkpoint` event (what the remaining chain starts from), or null. */
export function newestCheckpoint(db: HubDatabase): AuditEvent | null {
  const raw = db.$client
    .prepare('SELECT * FROM audit_events WHERE action = ? ORDER BY seq DESC LIMIT 1')
    .get(AUDIT_CHECKPOINT_ACTION) as Record<string, unknown> | undefined;
  return raw === undefined ? null : fromRaw(raw);
}

export function toRow(event: AuditEvent): AuditRow {
  return { ...event, details: event.details === null ? null : canonicalJson(event.details) };
}

export function fromRow(row: AuditRow): AuditEvent {
  return {
    ...row,
    via: row.via as AuditVia | null,
    details: row.details === null ? null : (JSON.parse(row.details) as AuditEvent['details']),
    prevHash: row.prevHash ?? AUDIT_GENESIS_HASH,
  };
}

/** All events in chain order (or those with seq in `range`), one row at a time. */
export function* iterateEvents(
  db: HubDatabase,
  range?: { fromSeq: number; toSeq: number },
): Generator<AuditEvent> {
  // Pages of rows as arrays rather than a row-by-row cursor of objects: building them cost more per event
  // than the hash check itself, and `audit verify` reads every event there is.
  const page = db.$client
    .prepare(
      `SELECT ${RAW_COLUMNS.join(', ')} FROM audit_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ${EVENTS_PER_PAGE}`,
    )
    .raw(true);
  // Not 0: a forged event may carry seq 0 or below, and verify must see it.
  let after = range === undefined ? Number.MIN_SAFE_INTEGER : range.fromSeq - 1;
  const last = range === undefined ? Number.MAX_SAFE_INTEGER : range.toSeq;
  for (;;) {
    const rows = page.all(after, last) as unknown[][];
    for (const raw of rows) yield fromColumns(raw);
    if (rows.length < EVENTS_PER_PAGE) return;
    after = rows[rows.length - 1]![0] as number;
  }
}

const EVENTS_PER_PAGE = 5_000;
const RAW_COLUMNS = [
  'seq',
  'id',
  'ts',
  'actor_did',
  'actor_role',
  'via',
  'ip',
  'user_agent',
  'request_id',
  'action',
  'target_type',
  'target_id',
  'outcome',
  'reason',
  'details',
  'prev_hash',
  'hash',
] as const;

/** A row read in raw mode: its values in the order of RAW_COLUMNS. */
function fromColumns(raw: unknown[]): AuditEvent {
  return fromRow({
    seq: raw[0] as number,
    id: raw[1] as string,
    ts: raw[2] as string,
    actorDid: raw[3] as string | null,
    actorRole: raw[4] as string | null,
    via: raw[5] as string | null,
    ip: raw[6] as string | null,
    userAgent: raw[7] as string | null,
    requestId: raw[8] as string | null,
    action: raw[9] as string,
    targetType: raw[10] as string | null,
    targetId: raw[11] as string | null,
    outcome: raw[12] as AuditRow['outcome'],
    reason: raw[13] as string | null,
    details: raw[14] as string | null,
    prevHash: raw[15] as string | null,
    hash: raw[16] as string,
  });
}

/** A row as better-sqlite3 returns it (snake_case columns). */
function fromRaw(raw: Record<string, unknown>): AuditEvent {
  return fromRow({
    seq: raw.seq as number,
    id: raw.id as string,
    ts: raw.ts as string,
    actorDid: raw.actor_did as string | null,
    actorRole: raw.actor_role as string | null,
    via: raw.via as string | null,
    ip: raw.ip as string | null,
    userAgent: raw.user_agent as string | null,
    requestId: raw.request_id as string | null,
    action: raw.action as string,
    targetType: raw.target_type as string | null,
    targetId: raw.target_id as string | null,
    outcome: raw.outcome as AuditRow['outcome'],
    reason: raw.reason as string | null,
    details: raw.details as string | null,
    prevHash: raw.prev_hash as string | null,
    hash: raw.hash as string,
  });
}
