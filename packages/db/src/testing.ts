/**
 * Test support for other packages: real SQLite with the real migrations, never a mock. In-memory, so each
 * call is a fresh, isolated pair that disappears with `close()`.
 */
import { type HubDatabases, openDatabase, pairDatabases } from './client';

/** Fresh in-memory `hub` and `auth` databases, fully migrated. Call `close()` when done. */
export function createTestDatabases(): HubDatabases {
  const hub = openDatabase('hub', ':memory:');
  try {
    return pairDatabases(hub, openDatabase('auth', ':memory:'));
  } catch (error) {
    hub.close();
    throw error;
  }
}
