import { DrizzleQueryError } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { constraintViolation, findSqliteError } from './errors';
import { auditEvents, credentials, providers, users } from './schema/hub/index';
import { createTestDatabases } from './testing';

let dbs: ReturnType<typeof createTestDatabases>;
beforeEach(() => {
  dbs = createTestDatabases();
});
afterEach(() => dbs.close());

/** Runs `action`, which must throw, and returns what it threw. */
function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

const audit = {
  id: 'evt_1',
  ts: '2025-01-31T12:00:00.000Z',
  action: 'a',
  outcome: 'success' as const,
  hash: 'h1',
};

describe('constraintViolation', () => {
  it('classifies a duplicate key as unique, and a duplicate primary key as primary_key', () => {
    const insert = () =>
      dbs.hub.db
        .insert(providers)
        .values({ id: 'p1', kind: 'openai', name: 'openai', displayName: 'OpenAI' })
        .run();
    insert();
    expect(
      constraintViolation(
        thrownBy(() =>
          dbs.hub.db
            .insert(providers)
            .values({ id: 'p2', kind: 'openai', name: 'openai', displayName: 'x' })
            .run(),
        ),
      ),
    ).toEqual({ kind: 'unique', message: 'UNIQUE constraint failed: providers.name' });
    const sameId = () =>
      dbs.hub.db.insert(providers).values({ id: 'p1', kind: 'xai', name: 'xai', displayName: 'xAI' }).run();
    expect(constraintViolation(thrownBy(sameId))).toEqual({
      kind: 'primary_key',
      message: 'UNIQUE constraint failed: providers.id',
    });
  });

  it('classifies foreign key, check, not-null and trigger violations', () => {
    expect(
      constraintViolation(
        thrownBy(() =>
          dbs.hub.db
            .insert(credentials)
            .values({ id: 'c', providerId: 'nope', name: 'n', type: 'api_key', value: {} })
            .run(),
        ),
      ),
    ).toEqual({ kind: 'foreign_key', message: 'FOREIGN KEY constraint failed' });

    expect(
      constraintViolation(
        thrownBy(() => dbs.hub.sqlite.exec("insert into users (did, role) values ('d', 'root')")),
      ),
    ).toEqual({ kind: 'check', message: 'CHECK constraint failed: users_role_check' });

    expect(
      constraintViolation(thrownBy(() => dbs.hub.sqlite.exec('insert into users (did) values (null)'))),
    ).toEqual({ kind: 'not_null', message: 'NOT NULL constraint failed: users.did' });

    dbs.hub.db.insert(auditEvents).values(audit).run();
    expect(constraintViolation(thrownBy(() => dbs.hub.db.delete(auditEvents).run()))).toEqual({
      kind: 'trigger',
      message: 'audit_events is append-only',
    });
  });

  it('returns null for errors that are not constraint violations', () => {
    expect(
      constraintViolation(thrownBy(() => dbs.hub.sqlite.exec('select * from no_such_table'))),
    ).toBeNull();
    expect(constraintViolation(new Error('plain'))).toBeNull();
    expect(constraintViolation('not an error')).toBeNull();
    expect(constraintViolation(undefined)).toBeNull();
  });

  it('sees through a DrizzleQueryError, whose own message carries the parameters', () => {
    dbs.hub.db.insert(users).values({ did: 'did:abt:private' }).run();
    const query = dbs.hub.db.insert(users).values({ did: 'did:abt:private' }).toSQL();
    const driverError = thrownBy(() => dbs.hub.db.insert(users).values({ did: 'did:abt:private' }).run());
    // What drizzle's cached/async query paths throw for the same failure.
    const wrapped = new DrizzleQueryError(query.sql, query.params, driverError as Error);
    expect(wrapped.message).toContain('did:abt:private');
    expect(constraintViolation(wrapped)).toEqual({
      kind: 'primary_key',
      message: 'UNIQUE constraint failed: users.did',
    });
  });
});

describe('findSqliteError', () => {
  it('finds the driver error under a cause chain and nothing in an unrelated error', () => {
    const driverError = thrownBy(() => dbs.hub.sqlite.exec('select * from no_such_table'));
    const wrapped = new Error('outer', { cause: new Error('middle', { cause: driverError }) });
    expect(findSqliteError(wrapped)).toBe(driverError);
    expect(findSqliteError(new Error('outer', { cause: 'text' }))).toBeUndefined();
  });
});
