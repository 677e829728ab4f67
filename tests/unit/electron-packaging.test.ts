/**
 * What we can check of packaging without Electron's binary: electron-builder.yml passes electron-builder's own
 * schema validation and says what we mean (fuses, asarUnpack, targets, icon), and the shell bundles build: main.js as
 * ESM with only 'electron' and the natives external, preload.cjs needing nothing but 'electron'.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createRequire, isBuiltin } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { METHOD_NAMES } from '../../shared/api/contract.js';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(s: string): unknown }; // ships with electron-builder
const config = yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>;
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('electron-builder.yml', () => {
  it("passes electron-builder's own configuration validation", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = require('builder-util/out/DebugLogger.js');
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
    // and it does reject a wrong key (so the check above means something)
    await expect(validateConfiguration({ ...structuredClone(config), electronFuses: { runAsNod: false } }, new DebugLogger(false))).rejects.toThrow();
  });

  it('names the product, targets, natives and fuses', () => {
    expect(config.productName).toBe('AccessDesk');
    expect(config.appId).toMatch(/^[a-z0-9.-]+$/);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.directories.buildResources).toBe('resources');
    expect(config.files).toEqual(expect.arrayContaining(['build/electron/**', 'build/renderer/**', 'package.json']));
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', 'node_modules/better-sqlite3/**', 'node_modules/@node-rs/**']));
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('ships the print fonts where electron/print/fonts.ts looks for them (resources/fonts)', () => {
    const fonts = (config.extraResources as { from: string; to: string; filter: string[] }[]).find((r) => r.to === 'fonts');
    expect(fonts?.from).toBe('resources/fonts');
    const shipped = fs.readdirSync(path.join(root, 'resources', 'fonts')).filter((f) => f.endsWith('.ttf'));
    expect(shipped.length).toBeGreaterThanOrEqual(2);
    expect(fonts?.filter).toContain('*.ttf');
  });

  it('has a real PNG icon of at least 256x256', () => {
    for (const icon of [config.linux.icon, config.win.icon]) {
      const buf = fs.readFileSync(path.join(root, icon));
      expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(buf.readUInt32BE(16)).toBeGreaterThanOrEqual(256);
      expect(buf.readUInt32BE(20)).toBeGreaterThanOrEqual(256);
    }
  });

  it('package.json points Electron at the bundled main', () => {
    expect(pkg.main).toBe('build/electron/main.js');
    expect(pkg.type).toBe('module');
  });
});

describe('scripts/build-electron.mjs', () => {
  it('bundles main (ESM, natives external) and a preload that needs only electron', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ad-electron-build-'));
    try {
      execFileSync(process.execPath, [path.join(root, 'scripts', 'build-electron.mjs'), '--outdir', out], { cwd: root, stdio: 'pipe', timeout: 60_000 });
      expect(fs.readdirSync(out).sort()).toEqual(['main.js', 'preload.cjs', 'sync-worker.js']);
      // The sync worker does network I/O only: no native module (the store stays in the main thread).
      const worker = fs.readFileSync(path.join(out, 'sync-worker.js'), 'utf8');
      expect([...worker.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]).filter((m) => !m!.startsWith('node:'))).toEqual([]);
      const main = fs.readFileSync(path.join(out, 'main.js'), 'utf8');
      // Node built-ins (bundled libraries such as pdfkit import them as 'fs', 'zlib' without the node: prefix) are not natives
      const imports = new Set([...main.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]).filter((m) => !isBuiltin(m!)));
      expect([...imports].sort()).toEqual(['@node-rs/argon2', 'better-sqlite3', 'electron']);
      const preload = fs.readFileSync(path.join(out, 'preload.cjs'), 'utf8');
      expect([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])).toEqual(['electron']);
      const names = /METHOD_NAMES = (\[[^\]]*\]);/.exec(preload);
      expect(JSON.parse(names![1]!)).toEqual(METHOD_NAMES); // the method list the bridge exposes is the contract's
      expect(preload.length).toBeLessThan(20_000); // names only: zod and the schemas stay out of the preload
      const exposed = [...preload.matchAll(/exposeInMainWorld\(\s*"([^"]+)"\s*,\s*([\w.]+)\(/g)];
      expect(exposed.map((m) => [m[1], m[2]])).toEqual([['accessDesk', 'createPreloadBridge']]);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
