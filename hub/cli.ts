/**
 * `npm run hub [-- serve] [--data-dir DIR] [--port N] [--host H] [--insecure-http]`  run the clinic's sync hub
 * `npm run hub -- enroll-code [--desk-label X]`                                      one-time desk enrollment code
 * `npm run hub -- desks` | `revoke <deskId>` | `fingerprint`                         administration
 * `npm run hub -- --mllp-port 2575 [--mllp-host H] [--feed-time-zone America/Chicago] [--feed-facility RIVERSIDE]`
 *     also accept HL7 v2 SIU schedule messages over MLLP (hub/feeds/; off unless --mllp-port is given)
 *
 * Data directory: --data-dir, else HUB_DATA_DIR, else ./.data/hub (certificate, admin token, PGlite database).
 * DATABASE_URL=postgres://… uses a PostgreSQL server instead of the embedded PGlite.
 *
 * PGlite is one process's database: while the hub runs, the admin commands talk to it over its admin API (the
 * running hub records its URL in <data-dir>/hub.run.json); when it does not run, they open the database directly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { HubClient } from '../shared/sync/hub-client.js';
import { enrollmentCodeResponseSchema } from '../shared/sync/protocol.js';
import { openHub, RUN_FILE, startHub, type MllpConfig } from './hub.js';
import { isValidTimeZone } from '../shared/dates.js';

const { values, positionals } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'insecure-http': { type: 'boolean', default: false },
    'desk-label': { type: 'string' },
    'mllp-port': { type: 'string' },
    'mllp-host': { type: 'string' },
    'feed-time-zone': { type: 'string' },
    'feed-facility': { type: 'string', multiple: true },
  },
  allowPositionals: true,
});

const dataDir = path.resolve(values['data-dir'] ?? process.env.HUB_DATA_DIR ?? path.join(process.cwd(), '.data', 'hub'));
const databaseUrl = process.env.DATABASE_URL || undefined;
const command = positionals[0] ?? 'serve';

function fail(msg: string, code = 1): never {
  console.error(msg);
  process.exit(code);
}

interface RunInfo {
  pid: number;
  url: string;
}

function runningHub(): RunInfo | null {
  const f = path.join(dataDir, RUN_FILE);
  if (!fs.existsSync(f)) return null;
  try {
    const info = JSON.parse(fs.readFileSync(f, 'utf8')) as RunInfo;
    process.kill(info.pid, 0); // throws when no such process
    return info;
  } catch {
    return null;
  }
}

async function serve(): Promise<void> {
  const port = Number(values.port ?? process.env.HUB_PORT ?? 8443);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail('--port must be a number from 0 to 65535', 2);
  if (!databaseUrl) {
    const other = runningHub();
    if (other && other.pid !== process.pid) fail(`Another hub (pid ${other.pid}) is already using ${dataDir} at ${other.url}.`);
    if (!fs.existsSync(path.join(dataDir, 'pgdata'))) console.log('First start: creating the hub database (this takes a little while)…');
  }
  let mllp: MllpConfig | undefined;
  const mllpPortText = values['mllp-port'] ?? process.env.HUB_MLLP_PORT;
  if (mllpPortText) {
    const mllpPort = Number(mllpPortText);
    if (!Number.isInteger(mllpPort) || mllpPort < 0 || mllpPort > 65535) fail('--mllp-port must be a number from 0 to 65535', 2);
    const timeZone = values['feed-time-zone'] ?? process.env.HUB_FEED_TIME_ZONE;
    if (timeZone && !isValidTimeZone(timeZone)) fail(`--feed-time-zone "${timeZone}" is not an IANA time zone (e.g. America/Chicago)`, 2);
    const facilities = values['feed-facility'] ?? (process.env.HUB_FEED_FACILITIES ? process.env.HUB_FEED_FACILITIES.split(',') : []);
    mllp = { port: mllpPort, host: values['mllp-host'] ?? process.env.HUB_MLLP_HOST, timeZone, acceptedFacilities: facilities.map((f) => f.trim()).filter(Boolean) };
  }
  const hub = await startHub({ dataDir, databaseUrl, port, host: values.host, insecureHttp: values['insecure-http'], mllp });
  fs.writeFileSync(path.join(dataDir, RUN_FILE), JSON.stringify({ pid: process.pid, url: hub.url }), { mode: 0o600 });
  console.log(`AccessDesk hub ${hub.hubId} on ${hub.url} (data: ${dataDir}; database: ${databaseUrl ? 'PostgreSQL server' : 'embedded PGlite'})`);
  console.log(`Certificate SHA-256 fingerprint (desks pin this; compare it when enrolling a desk):\n  ${hub.fingerprint}`);
  if (hub.adminTokenCreated) {
    console.log(`Admin token (shown once; also stored in ${path.join(dataDir, 'admin-token')}):\n  ${hub.adminToken}`);
  }
  if (values['insecure-http']) console.log('WARNING: plain HTTP on loopback (--insecure-http): for tests only.');
  if (hub.mllp) {
    const fac = mllp?.acceptedFacilities?.length ? `sending facilities ${mllp.acceptedFacilities.join(', ')}` : 'any sending facility';
    console.log(`HL7 SIU feed (MLLP, plain TCP) on ${hub.mllp.host}:${hub.mllp.port}, times in ${mllp?.timeZone ?? "the site's time zone (synced from the desks)"}, ${fac}. Keep it on the interface engine's network.`);
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try {
      fs.rmSync(path.join(dataDir, RUN_FILE), { force: true });
      await hub.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/** Runs an admin action against the running hub's API, or directly on the database when no hub runs. */
async function admin<T>(viaApi: (c: HubClient) => Promise<T>, direct: (h: Awaited<ReturnType<typeof openHub>>) => Promise<T>): Promise<T> {
  const run = databaseUrl ? null : runningHub();
  if (run) {
    const token = fs.readFileSync(path.join(dataDir, 'admin-token'), 'utf8').trim();
    const certFile = path.join(dataDir, 'tls', 'cert.pem');
    const client = new HubClient({ baseUrl: run.url, adminToken: token, certPem: run.url.startsWith('https:') ? fs.readFileSync(certFile, 'utf8') : undefined });
    try {
      return await viaApi(client);
    } finally {
      client.close();
    }
  }
  const h = await openHub({ dataDir, databaseUrl });
  try {
    return await direct(h);
  } finally {
    await h.db.close();
  }
}

async function main(): Promise<void> {
  switch (command) {
    case 'serve':
      return serve();
    case 'enroll-code': {
      const label = values['desk-label']?.trim() || null;
      const r = await admin(
        async (c) => {
          const res = await c.raw('POST', '/admin/enrollment-codes', label ? { deskLabel: label } : {}, 'admin');
          if (res.status !== 200) fail(`The hub refused: ${JSON.stringify(res.body)}`);
          return enrollmentCodeResponseSchema.parse(res.body);
        },
        (h) => h.service.createEnrollmentCode(label),
      );
      console.log(`Enrollment code: ${r.code}${r.deskLabel ? ` (for "${r.deskLabel}")` : ''}`);
      console.log(`Valid once, until ${r.expiresAt}. Enter it with the hub address in the desk's settings.`);
      return;
    }
    case 'desks': {
      const desks = await admin(
        async (c) => ((await c.raw('GET', '/admin/desks', undefined, 'admin')).body as { desks: unknown[] }).desks,
        (h) => h.service.listDesks(),
      );
      console.log(JSON.stringify(desks, null, 2));
      return;
    }
    case 'revoke': {
      const id = positionals[1];
      if (!id) fail('Usage: npm run hub -- revoke <deskId>', 2);
      const r = await admin(
        async (c) => (await c.raw('POST', `/admin/desks/${encodeURIComponent(id)}/revoke`, undefined, 'admin')).body,
        (h) => h.service.revokeDesk(id),
      );
      console.log(JSON.stringify(r));
      return;
    }
    case 'fingerprint': {
      const cert = path.join(dataDir, 'tls', 'cert.pem');
      if (!fs.existsSync(cert)) fail(`No hub certificate in ${dataDir} yet: start the hub once.`);
      const { certFingerprint } = await import('./secrets.js');
      console.log(certFingerprint(fs.readFileSync(cert, 'utf8')));
      return;
    }
    default:
      fail(`Unknown command "${command}". Commands: serve (default), enroll-code [--desk-label X], desks, revoke <deskId>, fingerprint`, 2);
  }
}

main().catch((e) => fail(`AccessDesk hub: ${(e as Error).message}`));
