// Bundles the Electron shell with esbuild into build/electron/:
//  - main.js    (ESM, Node platform; 'electron' and the native modules stay external and load from node_modules)
//  - preload.cjs (CommonJS: a sandboxed preload may only require('electron'), so everything else is bundled in)
// esbuild rather than tsc: the preload must be a single self-contained file, and main should not need the
// source tree's .ts files at run time.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// `--outdir DIR` (tests build into a temp dir); default build/electron.
const outArg = process.argv.indexOf('--outdir');
const outdir = outArg > 0 && process.argv[outArg + 1] ? path.resolve(process.argv[outArg + 1]) : path.join(root, 'build', 'electron');
fs.rmSync(outdir, { recursive: true, force: true });

// Native modules (and their loaders) must stay real files on disk (asarUnpack in electron-builder.yml).
const NATIVE = ['electron', 'better-sqlite3', '@node-rs/argon2'];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22', // Electron 41 ships Node 22+
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
};

await build({
  ...common,
  entryPoints: { main: 'electron/main.ts' },
  outdir,
  format: 'esm',
  outExtension: { '.js': '.js' },
  external: NATIVE,
  // Bundled CommonJS dependencies may call require(); give ESM output a real one.
  banner: { js: "import { createRequire as __adCreateRequire } from 'node:module'; const require = __adCreateRequire(import.meta.url);" },
});

// The sync worker thread (electron/sync/runner.ts loads sync-worker.js next to main.js): network I/O only.
await build({
  ...common,
  entryPoints: { 'sync-worker': 'electron/sync/worker.ts' },
  outdir,
  format: 'esm',
  outExtension: { '.js': '.js' },
  external: NATIVE,
  banner: { js: "import { createRequire as __adCreateRequire } from 'node:module'; const require = __adCreateRequire(import.meta.url);" },
});

// The preload needs only the contract's method names, not zod and every schema: evaluate the contract once here
// and hand the preload a generated module with just METHOD_NAMES (keeps preload.cjs a few kB instead of ~750 kB).
const contractBundle = await build({
  ...common,
  entryPoints: ['shared/api/contract.ts'],
  format: 'esm',
  write: false,
  outfile: 'contract.mjs',
});
const contractModule = await import(`data:text/javascript;base64,${Buffer.from(contractBundle.outputFiles[0].text).toString('base64')}`);
const methodNames = contractModule.METHOD_NAMES;
if (!Array.isArray(methodNames) || methodNames.length === 0) throw new Error('contract METHOD_NAMES not found');
const contractNamesOnly = {
  name: 'contract-names-only',
  setup(b) {
    b.onResolve({ filter: /shared\/api\/contract\.js$/ }, () => ({ path: 'contract-names', namespace: 'accessdesk' }));
    b.onLoad({ filter: /.*/, namespace: 'accessdesk' }, () => ({ contents: `export const METHOD_NAMES = ${JSON.stringify(methodNames)};`, loader: 'js' }));
  },
};

await build({
  ...common,
  entryPoints: { preload: 'electron/preload.ts' },
  outdir,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  external: ['electron'],
  plugins: [contractNamesOnly],
});

// The preload must need nothing but 'electron' at run time.
const preload = fs.readFileSync(path.join(outdir, 'preload.cjs'), 'utf8');
const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
const foreign = required.filter((r) => r !== 'electron');
if (foreign.length) {
  console.error(`preload.cjs requires ${foreign.join(', ')}; a sandboxed preload may only require 'electron'`);
  process.exit(1);
}
for (const f of fs.readdirSync(outdir)) console.log(`${path.relative(root, path.join(outdir, f))}  ${(fs.statSync(path.join(outdir, f)).size / 1024).toFixed(1)} kB`);
