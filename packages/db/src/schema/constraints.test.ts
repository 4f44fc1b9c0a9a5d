/**
 * What the database itself refuses, whatever client writes to it: the append-only audit trail, unique
 * keys, foreign-key cascades and CHECK constraints. Raw SQL on purpose: these hold below drizzle.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type SqliteConnection } from '../client';
import { createTestDatabases } from '../testing';
import { AUDIT_APPEND_ONLY_MESSAGE } from './hub/index';

let dbs: ReturnType<typeof createTestDatabases>;
let hub: SqliteConnection;
let auth: SqliteConnection;
beforeEach(() => {
  dbs = createTestDatabases();
  hub = dbs.hub.sqlite;
  auth = dbs.auth.sqlite;
});
afterEach(() => dbs.close());

function run(sqlite: SqliteConnection, statement: string, ...params: unknown[]): void {
  sqlite.prepare(statement).run(...params);
}
function count(sqlite: SqliteConnection, table: string): number {
  return sqlite.prepare<[], { n: number }>(`select count(*) as n from ${table}`).get()!.n;
}

const TS = '2025-01-31T12:00:00.000Z';
function insertAudit(id: string, hash: string, ts = TS, outcome = 'success'): void {
  run(
    hub,
    'insert into audit_events (id, ts, action, outcome, prev_hash, hash) values (?, ?, ?, ?, ?, ?)',
    id,
    ts,
    'provider.create',
    outcome,
    null,
    hash,
  );
}
function insertUser(did: string, role = 'guest'): void {
  run(hub, 'insert into users (did, role) values (?, ?)', did, role);
}
function insertProvider(id: string, name: string): void {
  run(
    hub,
    "insert into providers (id, kind, name, display_name) values (?, 'openai', ?, 'OpenAI')",
    id,
    name,
  );
}
function insertCredential(id: string, providerId: string): void {
  run(
    hub,
    "insert into credentials (id, provider_id, name, type, value) values (?, ?, 'main', 'api_key', '{}')",
    id,
    providerId,
  );
}
function insertApiKey(id: string, userDid: string, hash: string, previousHash: string | null = null): void {
  run(
    hub,
    `insert into api_keys (id, user_did, name, prefix, last4, hash, previous_hash, previous_hash_expires_at)
     values (?, ?, 'ci', 'ahk_', 'abcd', ?, ?, ?)`,
    id,
    userDid,
    hash,
    previousHash,
    previousHash === null ? null : Date.UTC(2030, 0, 1),
  );
}

describe('audit_events is append-only', () => {
  beforeEach(() => insertAudit('evt-1', 'h1'));

  it('accepts inserts', () => {
    insertAudit('evt-2', 'h2');
    expect(count(hub, 'audit_events')).toBe(2);
    expect(hub.prepare('select seq, id from audit_events order by seq').all()).toEqual([
      { seq: 1, id: 'evt-1' },
      { seq: 2, id: 'evt-2' },
    ]);
  });

  it('refuses UPDATE with the trigger message and leaves the row unchanged', () => {
    expect(() => run(hub, "UPDATE audit_events SET outcome='x'")).toThrow(
      expect.objectContaining({ code: 'SQLITE_CONSTRAINT_TRIGGER', message: AUDIT_APPEND_ONLY_MESSAGE }),
    );
    expect(() => run(hub, "UPDATE audit_events SET reason='edited' WHERE id = 'evt-1'")).toThrow(
      AUDIT_APPEND_ONLY_MESSAGE,
    );
    expect(hub.prepare('select outcome, reason from audit_events').get()).toEqual({
      outcome: 'success',
      reason: null,
    });
  });

  it('refuses DELETE with the trigger message and keeps the rows', () => {
    expect(() => run(hub, 'DELETE FROM audit_events')).toThrow(
      expect.objectContaining({ code: 'SQLITE_CONSTRAINT_TRIGGER', message: AUDIT_APPEND_ONLY_MESSAGE }),
    );
    expect(count(hub, 'audit_events')).toBe(1);
  });

  it('refuses INSERT OR REPLACE over an existing event (a delete in disguise)', () => {
    // REPLACE deletes the conflicting row; openDatabase turns on recursive_triggers so that this
    // deletion fires the append-only trigger instead of slipping past it.
    expect(() =>
      run(
        hub,
        "INSERT OR REPLACE INTO audit_events (seq, id, ts, action, outcome, hash) VALUES (1, 'evt-x', ?, 'x', 'error', 'hx')",
        TS,
      ),
    ).toThrow(AUDIT_APPEND_ONLY_MESSAGE);
    expect(hub.prepare('select id, action, outcome from audit_events').all()).toEqual([
      { id: 'evt-1', action: 'provider.create', outcome: 'success' },
    ]);
  });

  it('refuses an upsert that would update an existing event', () => {
    expect(() =>
      run(
        hub,
        "INSERT INTO audit_events (id, ts, action, outcome, hash) VALUES ('evt-1', ?, 'x', 'error', 'hy') ON CONFLICT(id) DO UPDATE SET outcome = 'error'",
        TS,
      ),
    ).toThrow(AUDIT_APPEND_ONLY_MESSAGE);
  });

  it('keeps ids and hashes unique', () => {
    expect(() => insertAudit('evt-1', 'h-other')).toThrow(/UNIQUE constraint failed: audit_events\.id/);
    expect(() => insertAudit('evt-9', 'h1')).toThrow(/UNIQUE constraint failed: audit_events\.hash/);
  });

  it('rejects an unknown outcome', () => {
    expect(() => insertAudit('evt-2', 'h2', TS, 'maybe')).toThrow(
      /CHECK constraint failed: audit_events_outcome_check/,
    );
  });

  it('rejects a ts that is not ISO-8601 UTC', () => {
    expect(() => insertAudit('evt-2', 'h2', '2025-01-31 12:00:00')).toThrow(/audit_events_ts_check/);
    expect(() => insertAudit('evt-3', 'h3', '2025-01-31T12:00:00.000+02:00')).toThrow(
      /audit_events_ts_check/,
    );
    insertAudit('evt-4', 'h4', '2025-01-31T12:00:00Z');
    expect(count(hub, 'audit_events')).toBe(2);
  });

  it('rejects details that are not JSON', () => {
    expect(() =>
      run(
        hub,
        "insert into audit_events (id, ts, action, outcome, hash, details) values ('e', ?, 'a', 'success', 'h', '{oops')",
        TS,
      ),
    ).toThrow(/audit_events_details_check/);
  });
});

describe('unique constraints', () => {
  it('api key hashes are unique, and so are previous hashes', () => {
    insertUser('did:abt:u1');
    insertApiKey('k1', 'did:abt:u1', 'hash-1', 'old-1');
    expect(() => insertApiKey('k2', 'did:abt:u1', 'hash-1')).toThrow(
      /UNIQUE constraint failed: api_keys\.hash/,
    );
    expect(() => insertApiKey('k3', 'did:abt:u1', 'hash-3', 'old-1')).toThrow(
      /UNIQUE constraint failed: api_keys\.previous_hash/,
    );
    // Many keys without a previous hash are fine (NULLs are distinct).
    insertApiKey('k4', 'did:abt:u1', 'hash-4');
    insertApiKey('k5', 'did:abt:u1', 'hash-5');
    expect(count(hub, 'api_keys')).toBe(3);
  });

  it('provider names are unique', () => {
    insertProvider('p1', 'openai');
    expect(() => insertProvider('p2', 'openai')).toThrow(/UNIQUE constraint failed: providers\.name/);
  });

  it('a model rate is unique per (provider, model, type)', () => {
    const insertRate = (id: string, type: string) =>
      run(
        hub,
        "insert into model_rates (id, provider, model, type, input_rate, output_rate) values (?, 'openai', 'gpt-4o', ?, 0.0000025, 0.00001)",
        id,
        type,
      );
    insertRate('r1', 'chat');
    insertRate('r2', 'embedding');
    expect(() => insertRate('r3', 'chat')).toThrow(
      /UNIQUE constraint failed: model_rates\.provider, model_rates\.model, model_rates\.type/,
    );
  });

  it('session token hashes are unique', () => {
    const insertSession = (id: string) =>
      run(
        auth,
        "insert into sessions (id, token_hash, did, expires_at) values (?, 'th', 'did:abt:u1', 1)",
        id,
      );
    insertSession('s1');
    expect(() => insertSession('s2')).toThrow(/UNIQUE constraint failed: sessions\.token_hash/);
  });

  it('DID Connect session state must be JSON', () => {
    const insertState = (token: string, state: string) =>
      run(auth, 'insert into did_connect_sessions (token, state, expires_at) values (?, ?, 1)', token, state);
    insertState('t1', '{"status":"created"}');
    expect(() => insertState('t2', 'not json')).toThrow(
      /CHECK constraint failed: did_connect_sessions_state_check/,
    );
  });
});

describe('foreign keys', () => {
  it('deleting a provider deletes its credentials, and only its own', () => {
    insertProvider('p1', 'openai');
    insertProvider('p2', 'anthropic');
    insertCredential('c1', 'p1');
    insertCredential('c2', 'p1');
    insertCredential('c3', 'p2');
    run(hub, "delete from providers where id = 'p1'");
    expect(hub.prepare('select id from credentials').all()).toEqual([{ id: 'c3' }]);
  });

  it('deleting a user deletes their API keys', () => {
    insertUser('did:abt:u1');
    insertUser('did:abt:u2');
    insertApiKey('k1', 'did:abt:u1', 'h1');
    insertApiKey('k2', 'did:abt:u2', 'h2');
    run(hub, "delete from users where did = 'did:abt:u1'");
    expect(hub.prepare('select id from api_keys').all()).toEqual([{ id: 'k2' }]);
  });

  it('a credential needs an existing provider and a key an existing user', () => {
    expect(() => insertCredential('c1', 'missing')).toThrow(
      expect.objectContaining({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }),
    );
    expect(() => insertApiKey('k1', 'did:abt:nobody', 'h1')).toThrow(
      expect.objectContaining({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }),
    );
  });
});

describe('CHECK constraints', () => {
  it('users: rejects an unknown role, defaults to guest, keeps credits an integer', () => {
    expect(() => insertUser('did:abt:u1', 'root')).toThrow(/CHECK constraint failed: users_role_check/);
    run(hub, "insert into users (did) values ('did:abt:u2')");
    expect(hub.prepare("select role, credits from users where did = 'did:abt:u2'").get()).toEqual({
      role: 'guest',
      credits: 0,
    });
    expect(() => run(hub, "update users set credits = 1.5 where did = 'did:abt:u2'")).toThrow(
      /users_credits_check/,
    );
    expect(() => run(hub, "update users set credits = 'lots' where did = 'did:abt:u2'")).toThrow(
      /users_credits_check/,
    );
    run(hub, "update users set credits = -250000 where did = 'did:abt:u2'");
  });

  it('providers: the name must be a slug without "/" and enabled a 0/1 flag', () => {
    expect(() => insertProvider('p1', 'open/ai')).toThrow(/providers_name_check/);
    expect(() => insertProvider('p2', 'OpenAI')).toThrow(/providers_name_check/);
    expect(() => insertProvider('p3', '')).toThrow(/providers_name_check/);
    insertProvider('p4', 'openai-compatible.local_1');
    expect(() => run(hub, "update providers set enabled = 2 where id = 'p4'")).toThrow(
      /providers_enabled_check/,
    );
  });

  it('credentials: type, status, JSON value, weight and usage count are checked', () => {
    insertProvider('p1', 'openai');
    insertCredential('c1', 'p1');
    const bad = (assignment: string) => () =>
      run(hub, `update credentials set ${assignment} where id = 'c1'`);
    expect(bad("type = 'password'")).toThrow(/credentials_type_check/);
    expect(bad("status = 'dead'")).toThrow(/credentials_status_check/);
    expect(bad("value = 'not json'")).toThrow(/credentials_value_check/);
    expect(bad('weight = -1')).toThrow(/credentials_weight_check/);
    expect(bad('usage_count = -1')).toThrow(/credentials_usage_count_check/);
    run(hub, "update credentials set status = 'cooling', weight = 0 where id = 'c1'");
  });

  it('model rates: type is checked and rates are non-negative numbers', () => {
    const insertRate =
      (type: string, input: unknown, cacheRead: unknown = null) =>
      () =>
        run(
          hub,
          "insert into model_rates (id, provider, model, type, input_rate, output_rate, cache_read_rate) values (?, 'openai', ?, ?, ?, 0, ?)",
          `r-${String(input)}-${type}`,
          `m-${String(input)}`,
          type,
          input,
          cacheRead,
        );
    expect(insertRate('audio', 0.1)).toThrow(/model_rates_type_check/);
    expect(insertRate('chat', -0.1)).toThrow(/model_rates_input_rate_check/);
    expect(insertRate('chat', 'cheap')).toThrow(/model_rates_input_rate_check/);
    expect(insertRate('chat', 0.5, -1)).toThrow(/model_rates_cache_read_rate_check/);
    insertRate('chat', 2)();
    // REAL affinity stores the integer 2 as 2.0, which passes the REAL check.
    expect(hub.prepare("select typeof(input_rate) as t from model_rates where model = 'm-2'").get()).toEqual({
      t: 'real',
    });
  });

  it('api keys: a previous hash needs an expiry, JSON lists must be JSON, rate limits positive', () => {
    insertUser('did:abt:u1');
    insertApiKey('k1', 'did:abt:u1', 'h1');
    const bad = (assignment: string) => () => run(hub, `update api_keys set ${assignment} where id = 'k1'`);
    expect(bad("previous_hash = 'old'")).toThrow(/api_keys_previous_hash_check/);
    expect(bad('previous_hash_expires_at = 1')).toThrow(/api_keys_previous_hash_check/);
    expect(bad("allowed_ips = '10.0.0.0/8'")).toThrow(/api_keys_allowed_ips_check/);
    expect(bad("scopes = '[chat'")).toThrow(/api_keys_scopes_check/);
    expect(bad('rate_limit_per_minute = 0')).toThrow(/api_keys_rate_limit_check/);
    run(hub, "update api_keys set previous_hash = 'old', previous_hash_expires_at = 1 where id = 'k1'");
  });

  it('usage records: endpoint, status, token counts and credits are checked', () => {
    const insertUsage = (endpoint: string, status: string, inputTokens: unknown, credits: unknown) => () =>
      run(
        hub,
        `insert into usage_records (id, ts, user_did, provider, model, endpoint, status, input_tokens, credits)
         values (lower(hex(randomblob(8))), 1, 'did:abt:u1', 'openai', 'gpt-4o', ?, ?, ?, ?)`,
        endpoint,
        status,
        inputTokens,
        credits,
      );
    expect(insertUsage('audio', 'success', 1, 1)).toThrow(/usage_records_endpoint_check/);
    expect(insertUsage('chat', 'ok', 1, 1)).toThrow(/usage_records_status_check/);
    expect(insertUsage('chat', 'success', -1, 1)).toThrow(/usage_records_input_tokens_check/);
    expect(insertUsage('chat', 'success', 1, 0.5)).toThrow(/usage_records_credits_check/);
    expect(insertUsage('chat', 'success', 1, -1)).toThrow(/usage_records_credits_check/);
    insertUsage('image', 'aborted', 0, 0)();
    expect(count(hub, 'usage_records')).toBe(1);
  });

  it('credit transactions: kind is checked and amounts are integers (negative allowed)', () => {
    const insertTx = (kind: string, amount: unknown) => () =>
      run(
        hub,
        "insert into credit_transactions (id, user_did, amount, kind, balance_after) values (lower(hex(randomblob(8))), 'did:abt:u1', ?, ?, 0)",
        amount,
        kind,
      );
    expect(insertTx('gift', 1)).toThrow(/credit_transactions_kind_check/);
    expect(insertTx('charge', 0.25)).toThrow(/credit_transactions_amount_check/);
    insertTx('charge', -1_500_000)();
    expect(count(hub, 'credit_transactions')).toBe(1);
  });

  it('config values must be JSON', () => {
    expect(() => run(hub, "insert into config (key, value) values ('billing', 'on')")).toThrow(
      /config_value_check/,
    );
    run(hub, "insert into config (key, value) values ('billing', '\"on\"')");
  });
});

describe('system_secrets', () => {
  it('holds only encrypted envelopes, never a plaintext', () => {
    run(hub, "insert into system_secrets (name, value) values ('audit_hmac_key', 'v1:0a1b2c3d:AAAA')");
    expect(() =>
      run(hub, "insert into system_secrets (name, value) values ('setup_code', 'ABCD-EFGH')"),
    ).toThrow(/CHECK constraint failed: system_secrets_value_check/);
    expect(count(hub, 'system_secrets')).toBe(1);
  });
});
