import { check, index, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { isJson } from '../checks';
import { createdAt, timestampMs } from '../columns';

/**
 * DID Connect sign-ins in progress (the QR code a DID Wallet scans). `state` is the protocol library's own
 * record (status, step, challenge...); the other columns are the hub's, which the library never writes:
 * once a wallet's answer is verified, `did` and `verifiedAt` are set exactly once and the library no longer
 * sees the row (a replayed answer finds nothing), and `consumedAt` makes the browser's pick-up single-use.
 * Only a hash of the browser's poll key is kept, so reading this table does not let anyone collect a session.
 */
export const didConnectSessions = sqliteTable(
  'did_connect_sessions',
  {
    token: text('token').primaryKey(),
    /** SHA-256 (hex) of the key the browser polls with; NULL for a row no browser may pick up. */
    pollKeyHash: text('poll_key_hash'),
    state: text('state', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** The verified DID, set once with `verifiedAt`. */
    did: text('did'),
    createdAt: createdAt(),
    expiresAt: timestampMs('expires_at').notNull(),
    verifiedAt: timestampMs('verified_at'),
    consumedAt: timestampMs('consumed_at'),
  },
  (t) => [
    index('did_connect_sessions_expires_at_idx').on(t.expiresAt),
    check('did_connect_sessions_state_check', isJson(t.state)),
  ],
);

export type DidConnectSession = typeof didConnectSessions.$inferSelect;
export type NewDidConnectSession = typeof didConnectSessions.$inferInsert;
