/**
 * Shared by the fault suite's files (split so vitest runs them in parallel): one PGlite hub per file, reset between
 * schedules, desk templates made once per file, and one in-process schedule (see sync-faults.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestHub, tempDir, type TestHub } from '../hub/support.js';
import { Cluster, Rng, makeDeskTemplates, resetHub } from '../support/fault-cluster.js';
import { FaultNet, DEFAULT_RATES, type FaultStats } from '../support/fault-transport.js';

export const SCHEDULES = Number(process.env.FAULT_SCHEDULES ?? 200);
export const BASE_SEED = Number(process.env.FAULT_SEED ?? 20260105);
export const DESKS = 3;
/**
 * Share of clerk commands that are a supervisor's merge or undo of a merge (tests/support/fault-cluster.ts merge /
 * unmerge): at 0.15, 200 schedules make about 200 merges/undos, a few of them refused by the hub as link conflicts.
 * FAULT_MERGE_RATE=0 gives exactly the schedules the suite had before merges were added. (They found a desk undoing
 * its own later merge when it pulled another desk's undo of an earlier one: FAULT_SEED=96 FAULT_SCHEDULES=1
 * reproduced it; tests/integration/merge-conflict-sync.test.ts keeps that case.)
 */
export const MERGE_RATE = Number(process.env.FAULT_MERGE_RATE ?? 0.15);

export interface FaultEnv {
  hub: TestHub;
  templates: string[];
  work: string;
}

/** beforeAll/afterAll for a file: a hub (plain HTTP on loopback unless `https`) and desk templates. */
export function useFaultEnv(opts: { https?: boolean } = {}): FaultEnv {
  const env = {} as FaultEnv;
  beforeAll(async () => {
    env.work = tempDir('accessdesk-fault-');
    [env.hub, env.templates] = await Promise.all([startTestHub({ insecureHttp: !opts.https }), makeDeskTemplates(DESKS, path.join(env.work, 'templates'))]);
  }, 180_000);
  afterAll(async () => {
    await env.hub?.destroy();
    if (env.work) fs.rmSync(env.work, { recursive: true, force: true });
  });
  return env;
}

const flush = () => new Promise<void>((r) => setImmediate(r));

export interface ScheduleResult {
  bad: string[];
  cluster: Cluster;
  stats: FaultStats;
}

/**
 * One seeded schedule on the in-process fault network: `steps` scheduler steps, each one of: a clerk command at a
 * random desk (30 %; MERGE_RATE of them merges/undos), the start of a sync round at a random desk (15 %), a partition of a desk switched on/off (3 %),
 * the delivery (or fault) of one message in flight (52 %). Then heal, sync to quiescence, check.
 */
export async function runInProcessSchedule(env: FaultEnv, seed: number, opts: { skewMs?: number[]; steps?: number } = {}): Promise<ScheduleResult> {
  const t0 = performance.now();
  await resetHub(env.hub.db);
  const rng = new Rng(seed);
  const net = new FaultNet(new Rng(seed ^ 0x5bd1e995), {
    ...DEFAULT_RATES,
    drop: rng.float() * 0.25,
    lose: 0.05 + rng.float() * 0.25,
    duplicate: rng.float() * 0.15,
    stale: rng.float() * 0.15,
  });
  const dir = fs.mkdtempSync(path.join(env.work, `s${seed}-`));
  const cluster = new Cluster({ hub: env.hub, hubUrl: env.hub.url, templates: env.templates, wrap: (i, t) => net.wrap(i, t), skewMs: opts.skewMs }, rng);
  try {
    const t1 = performance.now();
    await cluster.open(dir);
    const t2 = performance.now();
    const steps = opts.steps ?? rng.int(40, 70);
    for (let s = 0; s < steps; s++) {
      const x = rng.float();
      const desk = rng.int(0, DESKS - 1);
      if (x < 0.3) await cluster.randomWrite(desk, true, MERGE_RATE);
      else if (x < 0.45) cluster.startRound(desk);
      else if (x < 0.48) net.partition(desk, rng.chance(0.6));
      else await net.step();
      await flush();
      await flush();
    }
    const t3 = performance.now();
    await net.heal();
    const stuck = await cluster.quiesce();
    const t4 = performance.now();
    const bad = [...stuck, ...(await cluster.check())];
    const t5 = performance.now();
    if (process.env.FAULT_PROFILE) {
      process.stderr.write(`[fault] seed ${seed} reset ${Math.round(t1 - t0)} open ${Math.round(t2 - t1)} run ${Math.round(t3 - t2)} quiesce ${Math.round(t4 - t3)} check ${Math.round(t5 - t4)} ms\n`);
    }
    if (bad.length > 0) bad.push(`history: ${cluster.history.save(String(seed))}`, `faults: ${JSON.stringify(net.stats)}`);
    return { bad, cluster, stats: net.stats };
  } finally {
    await cluster.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Declares one test per seed and a final test that the faults really happened. */
export function defineSchedules(env: FaultEnv, seeds: number[]): void {
  const totals = { acknowledged: 0, edits: 0, failed: 0, merges: 0, unmerges: 0, linkRefusals: 0, lostAfterCommit: 0, dropped: 0, duplicated: 0, staleReplayed: 0, partitionDrops: 0 };
  test.each(seeds)('seed %i: converges, every acknowledged op exactly once', async (seed) => {
    const { bad, cluster, stats } = await runInProcessSchedule(env, seed);
    totals.acknowledged += cluster.history.acknowledged.length;
    totals.edits += cluster.history.acknowledged.filter((o) => o.f === 'edit').length;
    totals.failed += cluster.history.ops.filter((o) => o.status === 'fail').length;
    totals.merges += cluster.history.acknowledged.filter((o) => o.f === 'merge').length;
    totals.unmerges += cluster.history.acknowledged.filter((o) => o.f === 'unmerge').length;
    totals.linkRefusals += cluster.linkRefusals;
    totals.lostAfterCommit += stats.lostAfterCommit;
    totals.dropped += stats.dropped;
    totals.duplicated += stats.duplicated;
    totals.staleReplayed += stats.staleReplayed;
    totals.partitionDrops += stats.partitionDrops;
    expect(bad, `seed ${seed} (reproduce: FAULT_SEED=${seed} FAULT_SCHEDULES=1 npx vitest run --project fault tests/fault/sync-faults.test.ts)`).toEqual([]);
  });
  test('the schedules exercised every fault (a run without them would prove nothing)', () => {
    const n = seeds.length;
    process.stderr.write(`[fault] ${n} schedules: ${JSON.stringify(totals)}\n`);
    if (n < 20) return;
    // (rates vary with FAULT_SEED: these say that each fault happened often, not how often)
    expect(totals.lostAfterCommit).toBeGreaterThan(n / 2);
    expect(totals.dropped).toBeGreaterThan(n / 2);
    expect(totals.duplicated).toBeGreaterThan(n / 4);
    expect(totals.staleReplayed).toBeGreaterThan(n / 4);
    expect(totals.edits).toBeGreaterThan(n * 3);
    if (MERGE_RATE > 0) {
      // merges and undos really happened, and some were refused by the hub as link conflicts (desks merged the same
      // records differently while partitioned), which is what this part of the suite is for
      expect(totals.merges).toBeGreaterThan(n / 4);
      expect(totals.unmerges).toBeGreaterThan(0);
      expect(totals.linkRefusals).toBeGreaterThan(0);
    }
  });
}

export function seedRange(from: number, count: number): number[] {
  return Array.from({ length: Math.max(0, count) }, (_, k) => BASE_SEED + from + k);
}
