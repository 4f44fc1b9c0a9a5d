// drizzle-kit config for hub.db; `pnpm db:generate` writes migrations to drizzle/hub (committed).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/schema/hub/index.ts',
  out: './drizzle/hub',
  strict: true,
  verbose: true,
});
