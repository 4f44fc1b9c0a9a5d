/** Everything stored in `hub.db`. drizzle-kit reads this file to generate the hub migrations. */
export * from './users';
export * from './providers';
export * from './credentials';
export * from './model-rates';
export * from './api-keys';
export * from './usage-records';
export * from './audit-events';
export * from './audit-head';
export * from './config';
export * from './credit-transactions';
export * from './relations';
export * from './system-secrets';
