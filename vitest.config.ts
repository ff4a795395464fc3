import { defineConfig } from 'vitest/config';

/**
 * Three tiers, named by place (STYLE.md §10):
 * - unit: colocated `src/**\/*.test.ts` (and the benchmarks' pure parts, `bench/**\/*.test.ts`), no I/O.
 * - integration: `test/**\/*.int.test.ts`, real aedes, real Socket.IO, real servers on port 0.
 * - e2e: `test/**\/*.e2e.test.ts`, Debian's Chromium driven by playwright-core.
 */
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{packages,services,simulators,dashboards}/*/src/**/*.test.ts', 'services/*/bench/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['{packages,services,simulators,dashboards}/*/test/**/*.int.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['{packages,services,simulators,dashboards}/*/test/**/*.e2e.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
