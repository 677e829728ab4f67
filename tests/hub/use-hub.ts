/**
 * One real hub for a vitest file (tests/hub/support.ts startTestHub: PGlite, or PostgreSQL with
 * HUB_TEST_DATABASE_URL): started before the file's tests and handed to `use`, destroyed after them.
 *
 *   let hub!: TestHub;
 *   useTestHub((h) => (hub = h));
 */
import { afterAll, beforeAll } from 'vitest';
import { startTestHub, type TestHub } from './support.js';

export function useTestHub(use: (hub: TestHub) => void, opts: Parameters<typeof startTestHub>[0] = {}): void {
  let hub: TestHub | undefined;
  beforeAll(async () => {
    hub = await startTestHub(opts);
    use(hub);
  }, 120_000);
  afterAll(async () => {
    await hub?.destroy();
  });
}
