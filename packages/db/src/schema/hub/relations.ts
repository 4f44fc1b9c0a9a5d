/**
 * Relations for drizzle's query API (`db.query.providers.findMany({ with: { credentials: true } })`).
 * They describe the real foreign keys only; history tables reference ids loosely and have none.
 */
import { relations } from 'drizzle-orm';
import { apiKeys } from './api-keys';
import { credentials } from './credentials';
import { providers } from './providers';
import { users } from './users';

export const usersRelations = relations(users, ({ many }) => ({ apiKeys: many(apiKeys) }));

export const apiKeysRelations = relations(apiKeys, ({ one }) => ({
  user: one(users, { fields: [apiKeys.userDid], references: [users.did] }),
}));

export const providersRelations = relations(providers, ({ many }) => ({ credentials: many(credentials) }));

export const credentialsRelations = relations(credentials, ({ one }) => ({
  provider: one(providers, { fields: [credentials.providerId], references: [providers.id] }),
}));
