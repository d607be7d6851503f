import { defineConfig } from 'vitest/config';

// Unit tests sit beside the logic; integration tests start real containers
// and run as their own project, one file at a time (2 cores, shared dockerd).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'lab/**/*.test.ts'],
          exclude: ['**/*.it.test.ts', 'node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
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
