import { index, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { createdAt, NOW_MS, timestampMs } from '../columns';

/**
 * Browser sessions. Only a hash of the cookie token is stored, so a copy of `auth.db` cannot be replayed
 * as a live session.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    did: text('did').notNull(),
    createdAt: createdAt(),
    lastSeenAt: timestampMs('last_seen_at').notNull().default(NOW_MS),
    /** Absolute expiry: activity does not extend a session past this point. */
    expiresAt: timestampMs('expires_at').notNull(),
    revokedAt: timestampMs('revoked_at'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_did_idx').on(t.did), index('sessions_expires_at_idx').on(t.expiresAt)],
);

export type Session = typeof sessions.$inferSelect;
export type NewSession = typeof sessions.$inferInsert;
