import { defineConfig } from 'vitest/config';

// When HUB_TEST_DATABASE_URL points at a PostgreSQL server, the hub suite runs a second time against it (project
// "hub-postgres"); every other project is pinned to embedded PGlite by blanking the variable, so the default pass
// stays the PGlite pass.
const pgUrl = process.env.HUB_TEST_DATABASE_URL || '';

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'default',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/hub/**/*.test.ts'],
          env: { HUB_TEST_DATABASE_URL: '' },
        },
      },
      {
        // proof suites of sync (issue 3): many seeded schedules per test file, each bounded; a test is one schedule
        extends: true,
        test: {
          name: 'fault',
          include: ['tests/fault/**/*.test.ts', 'tests/crash/**/*.test.ts'],
          env: { HUB_TEST_DATABASE_URL: '', ACCESSDESK_LOG_LEVEL: 'warn' },
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // each file is one single-threaded process (hub + desks in-process): let two run at once on a 2-core CI
          // machine (vitest's default there is one worker)
          maxWorkers: 2,
          // a project with its own worker count runs as its own group, after the default one
          sequence: { groupOrder: 1 },
        },
      },
      ...(pgUrl
        ? [
            {
              extends: true as const,
              test: { name: 'hub-postgres', include: ['tests/hub/**/*.test.ts'], env: { HUB_TEST_DATABASE_URL: pgUrl } },
            },
          ]
        : []),
    ],
  },
});
