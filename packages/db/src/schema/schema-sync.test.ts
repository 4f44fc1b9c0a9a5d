/**
 * The committed migrations must build exactly the tables the TypeScript schema describes. If someone edits
 * a schema file and forgets `pnpm db:generate`, these tests fail (drizzle would otherwise fail only at
 * runtime, on the first query that touches the missing column).
 */
import { is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SqliteConnection } from '../client';
import { createTestDatabases } from '../testing';
import * as authSchema from './auth/index';
import * as hubSchema from './hub/index';

let dbs: ReturnType<typeof createTestDatabases>;
beforeAll(() => {
  dbs = createTestDatabases();
});
afterAll(() => dbs.close());

function tablesOf(schema: Record<string, unknown>): SQLiteTable[] {
  return Object.values(schema).filter((value): value is SQLiteTable => is(value, SQLiteTable));
}

interface ColumnInfo {
  name: string;
  type: string;
  notnull: number;
  pk: number;
}

function describeColumns(sqlite: SqliteConnection, table: string) {
  return sqlite
    .prepare<[], ColumnInfo>(`pragma table_info("${table}")`)
    .all()
    .map((c) => ({
      name: c.name,
      type: c.type.toLowerCase(),
      notNull: c.notnull === 1,
      primaryKey: c.pk > 0,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function indexNames(sqlite: SqliteConnection, table: string): string[] {
  return sqlite
    .prepare<[], { name: string; origin: string }>(`pragma index_list("${table}")`)
    .all()
    .filter((index) => index.origin === 'c') // created by CREATE INDEX, not implied by a PRIMARY KEY
    .map((index) => index.name)
    .sort();
}

for (const [kind, schema] of [
  ['hub', hubSchema],
  ['auth', authSchema],
] as const) {
  describe(`${kind}.db matches its TypeScript schema`, () => {
    const tables = tablesOf(schema);

    it('has a table for every schema table', () => {
      const sqlite = dbs[kind].sqlite;
      const inDb = sqlite
        .prepare<[], { name: string }>(
          "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> '__drizzle_migrations'",
        )
        .all()
        .map((row) => row.name)
        .sort();
      expect(inDb).toEqual(tables.map((table) => getTableConfig(table).name).sort());
    });

    for (const table of tables) {
      const config = getTableConfig(table);
      it(`${config.name}: same columns, types, NOT NULL and primary key`, () => {
        const expected = config.columns
          .map((c) => ({ name: c.name, type: c.getSQLType(), notNull: c.notNull, primaryKey: c.primary }))
          .sort((a, b) => a.name.localeCompare(b.name));
        expect(describeColumns(dbs[kind].sqlite, config.name)).toEqual(expected);
      });

      it(`${config.name}: same indexes and unique constraints`, () => {
        const expected = [
          ...config.indexes.map((index) => index.config.name),
          ...config.uniqueConstraints.map((unique) => unique.name!),
          ...config.columns.filter((c) => c.isUnique).map((c) => c.uniqueName!),
        ].sort();
        expect(indexNames(dbs[kind].sqlite, config.name)).toEqual(expected);
      });
    }
  });
}

describe('hub.db query plans use the intended indexes', () => {
  function plan(statement: string): string {
    return dbs.hub.sqlite
      .prepare<[], { detail: string }>(`explain query plan ${statement}`)
      .all()
      .map((row) => row.detail)
      .join('\n');
  }

  it.each([
    [
      "select * from audit_events where actor_did = 'x' order by seq desc limit 50",
      'audit_events_actor_did_seq_idx',
    ],
    [
      "select * from audit_events where action = 'x' and seq < 100 order by seq desc",
      'audit_events_action_seq_idx',
    ],
    [
      "select * from audit_events where target_type = 'credential' and target_id = 'c' order by seq desc",
      'audit_events_target_seq_idx',
    ],
    ["select * from audit_events where outcome = 'denied' order by seq desc", 'audit_events_outcome_seq_idx'],
    [
      "select * from usage_records where user_did = 'u' and ts >= 0 order by ts",
      'usage_records_user_did_ts_idx',
    ],
    ["select * from usage_records where api_key_id = 'k' and ts >= 0", 'usage_records_api_key_id_ts_idx'],
    [
      "select sum(credits) from usage_records where provider = 'p' and model = 'm' and ts >= 0",
      'usage_records_provider_model_ts_idx',
    ],
    [
      "select * from credit_transactions where user_did = 'u' order by created_at desc",
      'credit_transactions_user_did_created_at_idx',
    ],
  ])('%s', (statement, index) => {
    expect(plan(statement)).toContain(`USING INDEX ${index}`);
  });

  it('the audit ORDER BY seq needs no temporary sort', () => {
    expect(plan("select * from audit_events where actor_did = 'x' order by seq desc")).not.toContain(
      'TEMP B-TREE',
    );
  });
});
