/**
 * Every AI call leaves a usage record, a charge (when it cost anything) and an `ai.<endpoint>` audit event,
 * committed together in one transaction before the client gets its answer (or at the end of a stream).
 *
 * Writes are group-committed: records that arrive while a commit is being prepared join it, so under load one
 * transaction (one fsync) carries many requests, and each caller still waits until its own record is durable.
 */
import { randomUUID } from 'node:crypto';
import type { HubTransaction } from '@aigne-hub/db';
import { connectionOf, prepared } from '../db/prepared';
import {
  writeTransaction,
  type AuditActor,
  type AuditChainWriter,
  type RequestMeta,
} from '../audit/audit-trail';
import type { HubMetrics } from '../observability/metrics';
import type { HubServices } from '../services';
import type { TokenUsage } from './adapters/types';

export interface MeterEntry {
  actor: AuditActor;
  request: RequestMeta;
  userDid: string;
  apiKeyId: string | null;
  endpoint: 'chat' | 'embedding' | 'image';
  /** `ai.chat`, `ai.embeddings`, `ai.images`. */
  action: string;
  provider: string;
  model: string;
  credentialId: string | null;
  usage: TokenUsage;
  images: number;
  costMicro: number;
  latencyMs: number;
  status: 'success' | 'error' | 'aborted';
  errorKind: string | null;
  /** Safe (already redacted) error message for the audit reason. */
  errorMessage: string | null;
  stream: boolean;
  attempts: number;
  ts: Date;
}

interface Pending {
  entry: MeterEntry;
  resolve: (usageId: string) => void;
  reject: (error: unknown) => void;
}

export class Meter {
  #queue: Pending[] = [];
  #scheduled = false;
  #received = 0;
  /** Told the request id of every record handed in (graceful shutdown waits for the streams it cut). */
  onRecord: ((requestId: string | null) => void) | undefined;

  constructor(
    private readonly services: HubServices,
    private readonly metrics?: HubMetrics,
  ) {}

  /** Records handed in so far; graceful shutdown (ops/shutdown.ts) waits until it stops growing. */
  get received(): number {
    return this.#received;
  }

  /** True when nothing handed in is still waiting to be written (the write itself is synchronous). */
  get idle(): boolean {
    return !this.#scheduled && this.#queue.length === 0;
  }

  /** Resolves with the usage record's id once it (and its charge and audit event) is committed. */
  record(entry: MeterEntry): Promise<string> {
    this.#received += 1;
    this.onRecord?.(entry.request.requestId);
    return new Promise((resolve, reject) => {
      this.#queue.push({ entry, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    try {
      const ids = writeTransaction(this.services.hubDb, (tx) => {
        const chain = this.services.audit.writer(tx);
        return batch.map((item) => this.#write(tx, chain, item.entry));
      });
      batch.forEach((item, i) => {
        this.metrics?.metered(item.entry);
        item.resolve(ids[i]!);
      });
    } catch {
      // One bad entry must not take the others down: retry them one by one, each in its own transaction.
      for (const item of batch) {
        try {
          const id = writeTransaction(this.services.hubDb, (tx) =>
            this.#write(tx, this.services.audit.writer(tx), item.entry),
          );
          this.metrics?.metered(item.entry);
          item.resolve(id);
        } catch (error) {
          this.services.logger.error(
            { err: error, requestId: item.entry.request.requestId },
            'metering failed',
          );
          item.reject(error);
        }
      }
    }
  }

  /** Prepared statements (db/prepared.ts): this runs for every AI request. */
  #write(tx: HubTransaction, chain: AuditChainWriter, entry: MeterEntry): string {
    const connection = connectionOf(tx);
    const id = randomUUID();
    const ts = entry.ts.getTime();
    prepared(connection, INSERT_USAGE).run(
      id,
      ts,
      entry.userDid,
      entry.apiKeyId,
      entry.provider,
      entry.model,
      entry.credentialId,
      entry.endpoint,
      entry.usage.inputTokens,
      entry.usage.outputTokens,
      entry.usage.cacheReadTokens,
      entry.usage.cacheWriteTokens,
      entry.costMicro,
      entry.latencyMs,
      entry.status,
      entry.errorKind,
      entry.request.requestId,
    );
    if (entry.costMicro > 0) {
      const charged = prepared(
        connection,
        'UPDATE users SET credits = credits - ? WHERE did = ? RETURNING credits',
      ).get(entry.costMicro, entry.userDid) as { credits: number } | undefined;
      prepared(connection, INSERT_CHARGE).run(
        randomUUID(),
        entry.userDid,
        -entry.costMicro,
        id,
        `${entry.endpoint} ${entry.provider}/${entry.model}`,
        ts,
        charged?.credits ?? 0,
      );
    }
    if (entry.credentialId && entry.status === 'success') {
      prepared(connection, CREDENTIAL_USED).run({ ts, id: entry.credentialId });
    }
    chain.append(entry.actor, entry.request, {
      action: entry.action,
      outcome: entry.status === 'error' ? 'error' : 'success',
      reason: entry.status === 'success' ? null : (entry.errorMessage ?? entry.errorKind ?? entry.status),
      targetType: 'model',
      targetId: `${entry.provider}/${entry.model}`,
      details: {
        usageId: id,
        apiKeyId: entry.apiKeyId,
        credentialId: entry.credentialId,
        stream: entry.stream,
        status: entry.status,
        inputTokens: entry.usage.inputTokens,
        outputTokens: entry.usage.outputTokens,
        cacheReadTokens: entry.usage.cacheReadTokens,
        cacheWriteTokens: entry.usage.cacheWriteTokens,
        images: entry.images,
        credits: entry.costMicro / 1_000_000,
        latencyMs: entry.latencyMs,
        attempts: entry.attempts,
      },
    });
    return id;
  }
}

const INSERT_USAGE = `INSERT INTO usage_records (id, ts, user_did, api_key_id, provider, model, credential_id, endpoint,
  input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, credits, latency_ms, status, error_kind, request_id)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

const INSERT_CHARGE = `INSERT INTO credit_transactions (id, user_did, amount, kind, usage_record_id, reason, created_at,
  balance_after) VALUES (?, ?, ?, 'charge', ?, ?, ?, ?)`;

/** A success counts, and ends a cooldown early (the credential evidently works again). */
const CREDENTIAL_USED = `UPDATE credentials SET usage_count = usage_count + 1, last_used_at = @ts,
  status = CASE WHEN status = 'cooling' THEN 'healthy' ELSE status END,
  cooldown_until = CASE WHEN status = 'cooling' THEN NULL ELSE cooldown_until END WHERE id = @id`;
