import { check, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { isInteger, oneOf } from '../checks';
import { createdAt, microCredits, timestampMs } from '../columns';

/** Roles of the hub (see DESIGN.md "Roles"); every new user starts as a guest. */
export const USER_ROLES = ['owner', 'admin', 'guest'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** A person or program known by its DID. Created on first sign-in. */
export const users = sqliteTable(
  'users',
  {
    did: text('did').primaryKey(),
    role: text('role', { enum: USER_ROLES }).notNull().default('guest'),
    name: text('name'),
    createdAt: createdAt(),
    lastSeenAt: timestampMs('last_seen_at'),
    /** Credit balance in INTEGER micro-credits (1 credit = 1,000,000) so that sums are exact. */
    credits: microCredits('credits').default(0),
  },
  (t) => [
    check('users_role_check', oneOf(t.role, USER_ROLES)),
    check('users_credits_check', isInteger(t.credits)),
  ],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
