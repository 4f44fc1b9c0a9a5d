/**
 * One row per table written and read back through drizzle with the exported types: proves the column
 * modes (ms timestamps as Date, 0/1 as boolean, JSON text as values) and that nothing is lost or changed.
 */
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
// Operators from the package entry point, as other packages import them.
import { and, eq } from '../index';
import { createTestDatabases } from '../testing';
import {
  type ApiKey,
  type AuditEvent,
  type ConfigEntry,
  type Credential,
  type CreditTransaction,
  type ModelRate,
  type NewApiKey,
  type NewAuditEvent,
  type NewConfigEntry,
  type NewCredential,
  type NewCreditTransaction,
  type NewModelRate,
  type NewProvider,
  type NewUsageRecord,
  type NewUser,
  type Provider,
  type UsageRecord,
  type User,
  type UserRole,
  apiKeys,
  auditEvents,
  config,
  credentials,
  creditTransactions,
  modelRates,
  providers,
  usageRecords,
  users,
} from './hub/index';
import {
  type DidConnectSession,
  type LoginChallenge,
  type NewDidConnectSession,
  type NewLoginChallenge,
  type NewSession,
  type Session,
  didConnectSessions,
  loginChallenges,
  sessions,
} from './auth/index';

let dbs: ReturnType<typeof createTestDatabases>;
beforeEach(() => {
  dbs = createTestDatabases();
});
afterEach(() => dbs.close());

const T1 = new Date('2025-01-31T12:00:00.123Z');
const T2 = new Date('2025-02-01T08:30:00.456Z');
const T3 = new Date('2025-03-01T00:00:00.000Z');

function rawRow(table: string, where: string): unknown {
  return dbs.hub.sqlite.prepare(`select * from ${table} where ${where}`).get();
}

function seedUserAndProvider(): void {
  dbs.hub.db.insert(users).values({ did: 'did:abt:owner', role: 'owner', createdAt: T1 }).run();
  dbs.hub.db
    .insert(providers)
    .values({
      id: 'prv_1',
      kind: 'openai',
      name: 'openai',
      displayName: 'OpenAI',
      createdAt: T1,
      updatedAt: T1,
    })
    .run();
}

describe('hub.db round trips', () => {
  it('users', () => {
    const row: NewUser = {
      did: 'did:abt:z1',
      role: 'admin',
      name: 'Ada',
      createdAt: T1,
      lastSeenAt: T2,
      credits: 12_500_000,
    };
    dbs.hub.db.insert(users).values(row).run();
    const read: User | undefined = dbs.hub.db.select().from(users).where(eq(users.did, 'did:abt:z1')).get();
    expect(read).toEqual(row);
    expect(rawRow('users', "did = 'did:abt:z1'")).toEqual({
      did: 'did:abt:z1',
      role: 'admin',
      name: 'Ada',
      created_at: T1.getTime(),
      last_seen_at: T2.getTime(),
      credits: 12_500_000,
    });
    expectTypeOf<User['role']>().toEqualTypeOf<UserRole>();
    expectTypeOf<User['credits']>().toEqualTypeOf<number>();
    expectTypeOf<NewUser['role']>().toEqualTypeOf<UserRole | undefined>();
  });

  it('users: defaults come from the database (guest, 0 credits, created now)', () => {
    const before = Date.now();
    const read = dbs.hub.db.insert(users).values({ did: 'did:abt:new' }).returning().get();
    const after = Date.now();
    expect(read).toMatchObject({
      did: 'did:abt:new',
      role: 'guest',
      name: null,
      lastSeenAt: null,
      credits: 0,
    });
    expect(read.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(read.createdAt.getTime()).toBeLessThanOrEqual(after + 1);
    expect(Number.isInteger(read.createdAt.getTime())).toBe(true);
  });

  it('providers', () => {
    const row: NewProvider = {
      id: 'prv_b',
      kind: 'bedrock',
      name: 'bedrock',
      displayName: 'AWS Bedrock',
      baseUrl: null,
      region: 'us-east-1',
      enabled: false,
      createdAt: T1,
      updatedAt: T2,
    };
    dbs.hub.db.insert(providers).values(row).run();
    const read: Provider | undefined = dbs.hub.db
      .select()
      .from(providers)
      .where(eq(providers.id, 'prv_b'))
      .get();
    expect(read).toEqual(row);
    expect(rawRow('providers', "id = 'prv_b'")).toMatchObject({ enabled: 0, region: 'us-east-1' });
  });

  it('providers: updatedAt is refreshed by an update through drizzle', () => {
    seedUserAndProvider();
    dbs.hub.db.update(providers).set({ displayName: 'OpenAI (EU)' }).where(eq(providers.id, 'prv_1')).run();
    const read = dbs.hub.db.select().from(providers).where(eq(providers.id, 'prv_1')).get()!;
    expect(read.displayName).toBe('OpenAI (EU)');
    expect(read.createdAt).toEqual(T1);
    expect(read.updatedAt.getTime()).toBeGreaterThan(T1.getTime());
  });

  it('credentials', () => {
    seedUserAndProvider();
    const row: NewCredential = {
      id: 'cred_1',
      providerId: 'prv_1',
      name: 'primary',
      type: 'access_key_pair',
      value: { access_key_id: 'AKIAEXAMPLE', secret_access_key: 'v1:k1:bm9uY2U' },
      weight: 30,
      enabled: true,
      status: 'cooling',
      statusReason: 'rate limited',
      cooldownUntil: T3,
      lastUsedAt: T2,
      lastErrorAt: T2,
      usageCount: 42,
      createdAt: T1,
      updatedAt: T2,
    };
    dbs.hub.db.insert(credentials).values(row).run();
    const read: Credential | undefined = dbs.hub.db
      .select()
      .from(credentials)
      .where(eq(credentials.id, 'cred_1'))
      .get();
    expect(read).toEqual(row);
    expect(rawRow('credentials', "id = 'cred_1'")).toMatchObject({
      value: '{"access_key_id":"AKIAEXAMPLE","secret_access_key":"v1:k1:bm9uY2U"}',
      cooldown_until: T3.getTime(),
    });
  });

  it('credentials: defaults (weight 100, enabled, healthy, 0 uses)', () => {
    seedUserAndProvider();
    const read = dbs.hub.db
      .insert(credentials)
      .values({ id: 'cred_2', providerId: 'prv_1', name: 'b', type: 'api_key', value: { api_key: 'v1:k:x' } })
      .returning()
      .get();
    expect(read).toMatchObject({
      weight: 100,
      enabled: true,
      status: 'healthy',
      usageCount: 0,
      statusReason: null,
    });
  });

  it('model rates', () => {
    const row: NewModelRate = {
      id: 'rate_1',
      provider: 'anthropic',
      model: 'claude-sonnet-4',
      type: 'chat',
      inputRate: 0.000003,
      outputRate: 0.000015,
      cacheReadRate: 0.0000003,
      cacheWriteRate: null,
      enabled: true,
      deprecated: true,
      createdAt: T1,
      updatedAt: T1,
    };
    dbs.hub.db.insert(modelRates).values(row).run();
    const read: ModelRate | undefined = dbs.hub.db
      .select()
      .from(modelRates)
      .where(and(eq(modelRates.provider, 'anthropic'), eq(modelRates.model, 'claude-sonnet-4')))
      .get();
    expect(read).toEqual(row);
  });

  it('api keys', () => {
    seedUserAndProvider();
    const row: NewApiKey = {
      id: 'key_1',
      userDid: 'did:abt:owner',
      name: 'ci',
      prefix: 'ahk_live_',
      last4: 'x9Qz',
      hash: 'sha256:current',
      previousHash: 'sha256:previous',
      previousHashExpiresAt: T3,
      scopes: ['chat', 'embeddings'],
      allowedModels: ['openai/gpt-4o'],
      allowedIps: ['10.0.0.0/8', '2001:db8::/32'],
      rateLimitPerMinute: 60,
      expiresAt: T3,
      revokedAt: null,
      lastUsedAt: T2,
      createdAt: T1,
    };
    dbs.hub.db.insert(apiKeys).values(row).run();
    const read: ApiKey | undefined = dbs.hub.db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.hash, 'sha256:current'))
      .get();
    expect(read).toEqual(row);
    expect(rawRow('api_keys', "id = 'key_1'")).toMatchObject({
      scopes: '["chat","embeddings"]',
      allowed_ips: '["10.0.0.0/8","2001:db8::/32"]',
    });
    expectTypeOf<ApiKey['allowedModels']>().toEqualTypeOf<string[] | null>();
  });

  it('api keys: no restrictions are NULL and scopes default to an empty list', () => {
    seedUserAndProvider();
    const read = dbs.hub.db
      .insert(apiKeys)
      .values({ id: 'key_2', userDid: 'did:abt:owner', name: 'n', prefix: 'p', last4: 'l4l4', hash: 'h2' })
      .returning()
      .get();
    expect(read).toMatchObject({ scopes: [], allowedModels: null, allowedIps: null, previousHash: null });
  });

  it('usage records', () => {
    const row: NewUsageRecord = {
      id: 'use_1',
      ts: T2,
      userDid: 'did:abt:owner',
      apiKeyId: 'key_1',
      provider: 'openai',
      model: 'gpt-4o',
      credentialId: 'cred_1',
      endpoint: 'chat',
      inputTokens: 1200,
      outputTokens: 350,
      cacheReadTokens: 1000,
      cacheWriteTokens: 0,
      credits: 6_375,
      latencyMs: 812,
      status: 'success',
      errorKind: null,
      requestId: 'req_abc',
    };
    dbs.hub.db.insert(usageRecords).values(row).run();
    const read: UsageRecord | undefined = dbs.hub.db
      .select()
      .from(usageRecords)
      .where(eq(usageRecords.id, 'use_1'))
      .get();
    expect(read).toEqual(row);
  });

  it('audit events: ts and details come back byte for byte', () => {
    const details = '{"z":1,"a":{"y":"\\u00e9","x":1.50}}';
    const row: NewAuditEvent = {
      id: 'evt_1',
      ts: '2025-01-31T12:00:00.123Z',
      actorDid: 'did:abt:owner',
      actorRole: 'owner',
      via: 'session',
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0',
      requestId: 'req_1',
      action: 'credential.create',
      targetType: 'credential',
      targetId: 'cred_1',
      outcome: 'success',
      reason: null,
      details,
      prevHash: null,
      hash: 'a'.repeat(64),
    };
    const inserted = dbs.hub.db.insert(auditEvents).values(row).returning().get();
    expect(inserted.seq).toBe(1);
    const read: AuditEvent | undefined = dbs.hub.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.id, 'evt_1'))
      .get();
    expect(read).toEqual({ ...row, seq: 1 });
    expect(read?.details).toBe(details);
    const second = dbs.hub.db
      .insert(auditEvents)
      .values({ ...row, id: 'evt_2', prevHash: 'a'.repeat(64), hash: 'b'.repeat(64) })
      .returning({ seq: auditEvents.seq })
      .get();
    expect(second.seq).toBe(2);
    expectTypeOf<AuditEvent['ts']>().toEqualTypeOf<string>();
    expectTypeOf<AuditEvent['details']>().toEqualTypeOf<string | null>();
  });

  it('config', () => {
    const row: NewConfigEntry = {
      key: 'billing',
      value: { enabled: true, newUserCredits: 5_000_000, currency: null },
      updatedAt: T1,
      updatedBy: 'did:abt:owner',
    };
    dbs.hub.db.insert(config).values(row).run();
    const read: ConfigEntry | undefined = dbs.hub.db
      .select()
      .from(config)
      .where(eq(config.key, 'billing'))
      .get();
    expect(read).toEqual(row);
  });

  it('credit transactions', () => {
    const row: NewCreditTransaction = {
      id: 'ctx_1',
      userDid: 'did:abt:owner',
      amount: -6_375,
      kind: 'charge',
      usageRecordId: 'use_1',
      reason: null,
      actorDid: null,
      createdAt: T2,
      balanceAfter: 12_493_625,
    };
    dbs.hub.db.insert(creditTransactions).values(row).run();
    const read: CreditTransaction | undefined = dbs.hub.db
      .select()
      .from(creditTransactions)
      .where(eq(creditTransactions.id, 'ctx_1'))
      .get();
    expect(read).toEqual(row);
  });

  it('relations: a provider loads with its credentials and a key with its user', () => {
    seedUserAndProvider();
    dbs.hub.db
      .insert(credentials)
      .values({ id: 'cred_r', providerId: 'prv_1', name: 'r', type: 'api_key', value: { api_key: 'v1:k:y' } })
      .run();
    dbs.hub.db
      .insert(apiKeys)
      .values({ id: 'key_r', userDid: 'did:abt:owner', name: 'r', prefix: 'p', last4: 'abcd', hash: 'hr' })
      .run();
    const provider = dbs.hub.db.query.providers.findFirst({ with: { credentials: true } }).sync();
    expect(provider?.credentials.map((c) => c.id)).toEqual(['cred_r']);
    const key = dbs.hub.db.query.apiKeys.findFirst({ with: { user: true } }).sync();
    expect(key?.user.role).toBe('owner');
  });
});

describe('auth.db round trips', () => {
  it('sessions', () => {
    const row: NewSession = {
      id: 'ses_1',
      tokenHash: 'sha256:token',
      did: 'did:abt:owner',
      createdAt: T1,
      lastSeenAt: T2,
      expiresAt: T3,
      revokedAt: null,
      ip: '127.0.0.1',
      userAgent: 'vitest',
    };
    dbs.auth.db.insert(sessions).values(row).run();
    const read: Session | undefined = dbs.auth.db
      .select()
      .from(sessions)
      .where(eq(sessions.tokenHash, 'sha256:token'))
      .get();
    expect(read).toEqual(row);
    expectTypeOf<Session['expiresAt']>().toEqualTypeOf<Date>();
  });

  it('login challenges', () => {
    const row: NewLoginChallenge = {
      nonce: 'n0nce',
      did: null,
      domain: 'hub.example.com',
      message: 'hub.example.com wants you to sign in with your DID',
      createdAt: T1,
      expiresAt: T2,
      usedAt: null,
    };
    dbs.auth.db.insert(loginChallenges).values(row).run();
    dbs.auth.db
      .update(loginChallenges)
      .set({ usedAt: T2, did: 'did:abt:owner' })
      .where(eq(loginChallenges.nonce, 'n0nce'))
      .run();
    const read: LoginChallenge | undefined = dbs.auth.db.select().from(loginChallenges).get();
    expect(read).toEqual({ ...row, usedAt: T2, did: 'did:abt:owner' });
  });

  it('DID Connect sessions (the protocol state as JSON)', () => {
    const row: NewDidConnectSession = {
      token: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      pollKeyHash: 'ab'.repeat(32),
      state: { status: 'scanned', currentStep: 0, challenge: 'C0FFEE', extraParams: {} },
      did: null,
      createdAt: T1,
      expiresAt: T2,
      verifiedAt: null,
      consumedAt: null,
    };
    dbs.auth.db.insert(didConnectSessions).values(row).run();
    dbs.auth.db
      .update(didConnectSessions)
      .set({ did: 'did:abt:owner', verifiedAt: T2 })
      .where(eq(didConnectSessions.token, row.token))
      .run();
    const read: DidConnectSession | undefined = dbs.auth.db.select().from(didConnectSessions).get();
    expect(read).toEqual({ ...row, did: 'did:abt:owner', verifiedAt: T2 });
    expectTypeOf<DidConnectSession['state']>().toEqualTypeOf<Record<string, unknown>>();
  });
});
