/** Everything stored in `auth.db`. drizzle-kit reads this file to generate the auth migrations. */
export * from './sessions';
export * from './login-challenges';
export * from './did-connect-sessions';
