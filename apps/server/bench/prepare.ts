/**
 * Data folders for the benchmarks, prepared with the hub's own code: a provider pointing at the fake upstream
 * with one credential, a rated model, billing on (so every request is charged), an owner with plenty of
 * credits and a hub API key; or 10,000 credentials for rotation; or a long audit trail for `audit verify`.
 */
import { randomUUID } from 'node:crypto';
import {
  createAuditEvent,
  encodeMasterKey,
  generateMasterKey,
  sealAuditHead,
  type AuditChainHead,
} from '@aigne-hub/core';
import { credentials, modelRates, providers, users } from '@aigne-hub/db';
import pino from 'pino';
import { toRow, writeTransaction } from '../src/audit/audit-trail';
import { createApiKey } from '../src/auth/api-keys';
import { loadEnv } from '../src/env';
import { storedValueForCreate } from '../src/routers/credentials/value';
import { openHub } from '../src/hub';
import { AUDIT_KEY_SECRET, readSystemSecret } from '../src/keys/system-secrets';

const silent = pino({ level: 'silent' });
export const BENCH_MODEL = 'fake/bench-model';

export function benchKeys(): string {
  return encodeMasterKey(generateMasterKey());
}

export function prepareGateway(
  dataDir: string,
  encryptionKeys: string,
  upstreamUrl: string,
): { apiKey: string } {
  const env = loadEnv({ HUB_DATA_DIR: dataDir, HUB_ENCRYPTION_KEYS: encryptionKeys, LOG_LEVEL: 'silent' });
  const { services } = openHub(env, silent);
  try {
    return writeTransaction(services.hubDb, (tx) => {
      const did = 'did:abt:zBenchOwner';
      tx.insert(users)
        .values({ did, role: 'owner', credits: 1_000_000_000 * 1_000_000 })
        .run();
      const providerId = randomUUID();
      tx.insert(providers)
        .values({
          id: providerId,
          kind: 'openai-compatible',
          name: 'fake',
          displayName: 'Fake',
          baseUrl: `${upstreamUrl}/v1`,
        })
        .run();
      const credentialId = randomUUID();
      tx.insert(credentials)
        .values({
          id: credentialId,
          providerId,
          name: 'bench',
          type: 'api_key',
          value: storedValueForCreate(services.keyring, credentialId, 'api_key', {
            api_key: 'sk-bench-upstream-key-0000000000000000',
          }),
        })
        .run();
      tx.insert(modelRates)
        .values({
          id: randomUUID(),
          provider: 'fake',
          model: 'bench-model',
          type: 'chat',
          inputRate: 0.000001,
          outputRate: 0.000002,
        })
        .run();
      services.settings.update(tx, { billing: { enabled: true } }, null);
      const { secret } = createApiKey(tx, did, {
        name: 'bench',
        scopes: ['ai'],
        expiresAt: null,
        allowedModels: null,
        allowedIps: null,
        rateLimitPerMinute: 100_000_000,
      });
      return { apiKey: secret };
    });
  } finally {
    services.databases.close();
  }
}

/** A data folder (with a key file) holding `count` credentials, for timing `keys rotate`. */
export function prepareCredentials(dataDir: string, count: number): void {
  const env = loadEnv({ HUB_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const { services } = openHub(env, silent);
  try {
    writeTransaction(services.hubDb, (tx) => {
      const providerId = randomUUID();
      tx.insert(providers)
        .values({ id: providerId, kind: 'openai', name: 'openai', displayName: 'OpenAI' })
        .run();
      for (let i = 0; i < count; i += 1) {
        const id = randomUUID();
        tx.insert(credentials)
          .values({
            id,
            providerId,
            name: `key ${i}`,
            type: 'api_key',
            value: storedValueForCreate(services.keyring, id, 'api_key', {
              api_key: `sk-proj-bench${String(i).padStart(40, '0')}`,
            }),
          })
          .run();
      }
    });
  } finally {
    services.databases.close();
  }
}

/** A data folder whose audit trail holds `count` chained events, for timing `audit verify`. */
export function prepareAuditTrail(dataDir: string, encryptionKeys: string, count: number): void {
  const env = loadEnv({ HUB_DATA_DIR: dataDir, HUB_ENCRYPTION_KEYS: encryptionKeys, LOG_LEVEL: 'silent' });
  const { services } = openHub(env, silent);
  try {
    const key = Buffer.from(
      readSystemSecret(services.hubDb, services.keyring, AUDIT_KEY_SECRET)!,
      'base64url',
    );
    const sqlite = services.hubDb.$client;
    const last = sqlite.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as
      AuditChainHead | undefined;
    let head: AuditChainHead | null = last ?? null;
    const insert = sqlite.prepare(
      `INSERT INTO audit_events (seq, id, ts, actor_did, actor_role, via, ip, user_agent, request_id, action, target_type, target_id, outcome, reason, details, prev_hash, hash)
       VALUES (@seq, @id, @ts, @actorDid, @actorRole, @via, @ip, @userAgent, @requestId, @action, @targetType, @targetId, @outcome, @reason, @details, @prevHash, @hash)`,
    );
    const writeHead = sqlite.prepare(
      `INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, @seq, @hash, @mac)
       ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, mac = excluded.mac`,
    );
    const batch = sqlite.transaction((n: number) => {
      for (let i = 0; i < n; i += 1) {
        const event = createAuditEvent(
          {
            action: 'ai.chat',
            outcome: 'success',
            actorDid: 'did:abt:zBenchOwner',
            actorRole: 'owner',
            via: 'apiKey',
            ip: '127.0.0.1',
            requestId: randomUUID(),
            targetType: 'model',
            targetId: BENCH_MODEL,
            details: { inputTokens: 12, outputTokens: 50, credits: 0.000112, latencyMs: 3 },
          },
          head,
          key,
        );
        insert.run(toRow(event));
        head = { seq: event.seq, hash: event.hash };
      }
      // The sealed head record outside the trail moves with it, as the hub's own appends do.
      if (head) writeHead.run(sealAuditHead(head, key));
    });
    for (let done = 0; done < count; done += 10_000) batch(Math.min(10_000, count - done));
  } finally {
    services.databases.close();
  }
}
