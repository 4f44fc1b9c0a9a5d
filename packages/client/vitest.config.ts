import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    // Hooks start hubs and build the package: slow when the machine is busy (CI runs packages side by side).
    hookTimeout: 120_000,
  },
});
