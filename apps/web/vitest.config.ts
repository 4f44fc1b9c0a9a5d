import { defineConfig } from 'vitest/config';

/**
 * Two projects, one report: unit tests next to the code (jsdom), and the browser suite under test/ (Node, driving
 * Chromium against a real hub serving the production build, which test/global-setup.ts makes first).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'jsdom',
          include: ['src/**/*.test.{ts,tsx}'],
        },
      },
      {
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          // Bounded but generous, for a loaded 2-core CI machine; every wait is on a condition, never a sleep.
          testTimeout: 90_000,
          hookTimeout: 120_000,
          expect: { poll: { timeout: 15_000, interval: 100 } },
        },
      },
    ],
  },
});
