import { describe, expect, it } from 'vitest';
import { migrationStatus } from './migrations';
import { users } from './schema/hub/index';
import { sessions } from './schema/auth/index';
import { createTestDatabases } from './testing';

describe('createTestDatabases', () => {
  it('returns fully migrated in-memory hub and auth databases', () => {
    const dbs = createTestDatabases();
    try {
      expect(dbs.hub.file).toBe(':memory:');
      expect(dbs.auth.file).toBe(':memory:');
      expect(migrationStatus('hub', dbs.hub.sqlite).upToDate).toBe(true);
      expect(migrationStatus('auth', dbs.auth.sqlite).upToDate).toBe(true);
      expect(dbs.hub.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    } finally {
      dbs.close();
    }
  });

  it('gives every call its own isolated pair', () => {
    const first = createTestDatabases();
    const second = createTestDatabases();
    try {
      first.hub.db.insert(users).values({ did: 'did:abt:only-in-first' }).run();
      first.auth.db
        .insert(sessions)
        .values({ id: 's', tokenHash: 't', did: 'd', expiresAt: new Date(0) })
        .run();
      expect(first.hub.db.select().from(users).all()).toHaveLength(1);
      expect(second.hub.db.select().from(users).all()).toEqual([]);
      expect(second.auth.db.select().from(sessions).all()).toEqual([]);
    } finally {
      first.close();
      second.close();
    }
  });

  it('close() closes both connections', () => {
    const dbs = createTestDatabases();
    dbs.close();
    expect(dbs.hub.sqlite.open).toBe(false);
    expect(dbs.auth.sqlite.open).toBe(false);
  });
});
