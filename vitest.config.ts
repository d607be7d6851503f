import { defineConfig } from 'vitest/config';

// Unit tests sit beside the logic; integration tests start real containers
// and run as their own project, one file at a time (2 cores, shared dockerd).
export default defineConfig({
  test: {
    // The JSON file lets .ci/run print one closing "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: '.cache/vitest.json' }]],
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['src/**/*.test.ts', 'lab/**/*.test.ts'],
          exclude: ['**/*.it.test.ts', 'node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          // After the unit tests, so containers don't compete with them for the 2 cores.
          sequence: { groupOrder: 1 },
          include: ['test/**/*.it.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          env: {
            TESTCONTAINERS_RYUK_DISABLED: 'true',
            TESTCONTAINERS_HOST_OVERRIDE: 'localhost',
          },
        },
      },
    ],
  },
});
