/**
 * Fault suite, level (b): the desks' real HTTPS client (certificate pinned) talks to the hub through a real TCP proxy
 * on 127.0.0.1 (tests/support/fault-proxy.ts) that refuses connections, hangs them, cuts requests and answers
 * partway, delays bytes, and lets the hub handle a request and then drops its answer. Three desks write (registrations,
 * edits, and MERGE_RATE of supervisors' merges and undos of merges) and sync at the same time in real time; then the proxy heals, the desks sync to quiescence and the same checks as level (a)
 * run. FAULT_PROXY_SCHEDULES (default 12). Fault choices are seeded; timing is real, so runs are not bit-for-bit
 * repeatable.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Cluster, Rng, resetHub } from '../support/fault-cluster.js';
import { FaultProxy, type ConnFault } from '../support/fault-proxy.js';
import { BASE_SEED, MERGE_RATE, useFaultEnv } from './schedules.js';

const PROXY_SCHEDULES = Number(process.env.FAULT_PROXY_SCHEDULES ?? 12);
const env = useFaultEnv({ https: true });

describe('real TCP proxy in front of the HTTPS hub', () => {
  let proxy: FaultProxy;
  const links = { merges: 0, unmerges: 0 };
  beforeAll(async () => {
    proxy = new FaultProxy({ target: { host: '127.0.0.1', port: env.hub.port }, tls: true, idleCloseMs: 5 });
    await proxy.listen();
  });
  afterAll(async () => {
    await proxy?.close();
  });

  const seeds = Array.from({ length: PROXY_SCHEDULES }, (_, k) => BASE_SEED + 100_000 + k);
  test.each(seeds)('seed %i: desks syncing through refused, hung, cut and answer-losing connections converge', async (seed) => {
    await resetHub(env.hub.db);
    const rng = new Rng(seed);
    const prng = new Rng(seed ^ 0x2545f491);
    const choose = (): ConnFault => {
      const x = prng.float();
      if (x < 0.12) return { kind: 'refuse' };
      if (x < 0.18) return { kind: 'blackhole', ms: prng.int(20, 150) };
      if (x < 0.3) return { kind: 'cut-request', afterBytes: prng.int(1, 1200) };
      if (x < 0.6) return { kind: 'lose-response' };
      if (x < 0.7) return { kind: 'cut-response', afterBytes: prng.int(1, 400) };
      return { kind: 'pass', delayMs: prng.chance(0.3) ? prng.int(1, 20) : 0 };
    };
    proxy.setChooser(() => ({ kind: 'pass', keepAlive: true })); // enrollment is not under test here
    const dir = fs.mkdtempSync(path.join(env.work, `p${seed}-`));
    const cluster = new Cluster({ hub: env.hub, hubUrl: proxy.url, certPem: env.hub.certPem, templates: env.templates, timeoutMs: 1500 }, rng);
    try {
      await cluster.open(dir);
      proxy.setChooser(choose);
      proxy.cutAll();
      const writesPerDesk = rng.int(5, 9);
      // every desk writes and syncs at the same time, in real time
      await Promise.all(
        cluster.desks.map(async (d) => {
          const wr = new Rng(seed * 31 + d.index);
          let writing = true;
          const syncing = (async () => {
            while (writing) {
              await d.app.sync.syncOnce();
              await new Promise((r) => setTimeout(r, wr.int(0, 15)));
            }
          })();
          for (let k = 0; k < writesPerDesk; k++) {
            await cluster.randomWrite(d.index, false, MERGE_RATE);
            await new Promise((r) => setTimeout(r, wr.int(0, 20)));
          }
          writing = false;
          await syncing;
        }),
      );
      proxy.setChooser(() => ({ kind: 'pass', keepAlive: true }));
      proxy.cutAll();
      const bad = [...(await cluster.quiesce()), ...(await cluster.check())];
      links.merges += cluster.history.acknowledged.filter((o) => o.f === 'merge').length;
      links.unmerges += cluster.history.acknowledged.filter((o) => o.f === 'unmerge').length;
      if (bad.length > 0) bad.push(`history: ${cluster.history.save(String(seed))}`, `proxy: ${JSON.stringify(proxy.stats)}`);
      expect(bad, `proxy seed ${seed}`).toEqual([]);
    } finally {
      await cluster.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the proxy really refused, cut, and lost answers after the hub handled them', () => {
    process.stderr.write(`[fault] proxy: ${JSON.stringify({ ...proxy.stats, lostResponses: proxy.lostResponses, ...links })}\n`);
    if (PROXY_SCHEDULES < 5) return;
    if (MERGE_RATE > 0) expect(links.merges).toBeGreaterThan(0); // merges went through the same trouble
    // fault choices are seeded but how many connections a run opens depends on timing: assert that every kind of
    // trouble happened, not how often
    expect(proxy.lostResponses).toBeGreaterThan(0);
    expect(proxy.stats.refuse + proxy.stats.blackhole).toBeGreaterThan(0);
    expect(proxy.stats['cut-request']).toBeGreaterThan(0);
    expect(proxy.stats['cut-response']).toBeGreaterThan(0);
    expect(proxy.stats.refuse + proxy.stats.blackhole + proxy.stats['cut-request'] + proxy.stats['cut-response'] + proxy.lostResponses).toBeGreaterThanOrEqual(PROXY_SCHEDULES);
  });
});
