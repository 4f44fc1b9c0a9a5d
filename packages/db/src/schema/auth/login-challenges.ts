import { index, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { createdAt, timestampMs } from '../columns';

/**
 * Nonces handed out for DID wallet sign-in. `usedAt` makes each one single-use; expired rows are pruned
 * by `expiresAt`.
 */
export const loginChallenges = sqliteTable(
  'login_challenges',
  {
    nonce: text('nonce').primaryKey(),
    /** NULL until a wallet claims the challenge (the DID may not be known when it is issued). */
    did: text('did'),
    domain: text('domain').notNull(),
    /** The exact message the wallet signs. */
    message: text('message').notNull(),
    createdAt: createdAt(),
    expiresAt: timestampMs('expires_at').notNull(),
    usedAt: timestampMs('used_at'),
  },
  (t) => [index('login_challenges_expires_at_idx').on(t.expiresAt)],
);

export type LoginChallenge = typeof loginChallenges.$inferSelect;
export type NewLoginChallenge = typeof loginChallenges.$inferInsert;
