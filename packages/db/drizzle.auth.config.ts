// drizzle-kit config for auth.db; `pnpm db:generate` writes migrations to drizzle/auth (committed).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/schema/auth/index.ts',
  out: './drizzle/auth',
  strict: true,
  verbose: true,
});
