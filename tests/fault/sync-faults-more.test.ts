/** Fault suite, level (a), second half of the seeded schedules (see sync-faults.test.ts). */
import { describe, test } from 'vitest';
import { SCHEDULES, defineSchedules, seedRange, useFaultEnv } from './schedules.js';

const env = useFaultEnv();
const HALF = Math.ceil(SCHEDULES / 2);

describe('in-process fault network: seeded schedules (second half)', () => {
  const seeds = SCHEDULES === 1 ? [] : seedRange(HALF, SCHEDULES - HALF);
  if (seeds.length > 0) defineSchedules(env, seeds);
  else test.skip('no schedules left for this half (FAULT_SCHEDULES=1)', () => undefined);
});
