#!/usr/bin/env node
// `npm test`: the README's test command. Runs each phase in order, stops at the first failure, and prints how long
// each phase took (CI reads these to keep the whole run fast).
import { spawnSync } from 'node:child_process';

const phases = [
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['renderer build', 'npm', ['run', '--silent', 'build:renderer']],
  ['vitest', 'npx', ['vitest', 'run']],
  ['playwright', 'npx', ['playwright', 'test']],
];

const times = [];
let failed = null;
for (const [name, cmd, args] of phases) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  times.push([name, Number(process.hrtime.bigint() - start) / 1e9]);
  if (r.status !== 0) {
    failed = { name, code: r.status ?? 1 };
    break;
  }
}

console.log('\n--- npm test phases');
for (const [name, s] of times) console.log(`${name.padEnd(16)} ${s.toFixed(1).padStart(7)} s`);
if (failed) {
  console.log(`failed in: ${failed.name}`);
  process.exit(failed.code);
}
