/**
 * Starting a hub: data directory (certificate, admin token, PGlite database unless DATABASE_URL), migrations,
 * service and HTTPS server. Used by the CLI (hub/cli.ts) and by tests (a real hub on 127.0.0.1).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { openHubDb, type HubDb } from './db.js';
import { migrateHub } from './migrations.js';
import { ensureAdminToken, ensureTls } from './secrets.js';
import { HubService } from './service.js';
import { buildHubServer } from './server.js';
import { startMllpListener, type MllpListener } from './feeds/mllp.js';
import { SiuFeed } from './feeds/ingest.js';

export interface HubConfig {
  dataDir: string;
  /** PostgreSQL server (else PGlite in <dataDir>/pgdata). */
  databaseUrl?: string;
  /** With databaseUrl: schema to use (tests). */
  schema?: string;
  /** Plain HTTP: only allowed when `host` is a loopback address. */
  insecureHttp?: boolean;
  host?: string;
  port?: number;
  log?: Writable | false;
  now?: () => Date;
  /** HL7 SIU schedule feed over MLLP (hub/feeds/): off unless given */
  mllp?: MllpConfig;
}

export interface MllpConfig {
  port: number;
  /** default: the hub's host. Bind it to the interface engine's network (see hub/README.md). */
  host?: string;
  /** the site's IANA time zone (SIU times without an offset are local times there); default: the site settings the
   *  desks synced to the hub */
  timeZone?: string;
  /** MSH-4 sending facilities accepted; empty = any */
  acceptedFacilities?: string[];
  maxFrameBytes?: number;
}

export interface OpenedHub {
  dataDir: string;
  db: HubDb;
  service: HubService;
  adminToken: string;
  /** true when the admin token was made by this start: print it (once). */
  adminTokenCreated: boolean;
  certPem: string;
  fingerprint: string;
  certCreated: boolean;
  hubId: string;
}

export interface RunningHub extends OpenedHub {
  url: string;
  port: number;
  server: FastifyInstance;
  /** the MLLP listener when cfg.mllp was given */
  mllp: MllpListener | null;
  close(): Promise<void>;
}

export const PGLITE_SUBDIR = 'pgdata';
export const RUN_FILE = 'hub.run.json';

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  return host === '::1';
}

/** Opens the data directory and database (migrated) without serving. */
export async function openHub(cfg: HubConfig): Promise<OpenedHub> {
  const dataDir = path.resolve(cfg.dataDir);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const tls = await ensureTls(dataDir);
  const admin = ensureAdminToken(dataDir);
  const db = await openHubDb(cfg.databaseUrl ? { databaseUrl: cfg.databaseUrl, schema: cfg.schema } : { pgliteDir: path.join(dataDir, PGLITE_SUBDIR) });
  try {
    await migrateHub(db);
    const service = new HubService({ db, certPem: tls.cert, certFingerprint: tls.fingerprint, now: cfg.now });
    const hubId = await service.hubId();
    return { dataDir, db, service, adminToken: admin.token, adminTokenCreated: admin.created, certPem: tls.cert, fingerprint: tls.fingerprint, certCreated: tls.created, hubId };
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e;
  }
}

export async function startHub(cfg: HubConfig): Promise<RunningHub> {
  const host = cfg.host ?? (cfg.insecureHttp ? '127.0.0.1' : '0.0.0.0');
  if (cfg.insecureHttp && !isLoopback(host)) throw new Error('Plain HTTP (--insecure-http) is only allowed on a loopback address (127.0.0.1); desks need HTTPS.');
  const opened = await openHub(cfg);
  const tlsFiles = { key: fs.readFileSync(path.join(opened.dataDir, 'tls', 'key.pem'), 'utf8'), cert: opened.certPem };
  let server: FastifyInstance;
  try {
    server = await buildHubServer({ service: opened.service, adminToken: opened.adminToken, tls: cfg.insecureHttp ? undefined : tlsFiles, log: cfg.log });
    await server.listen({ host, port: cfg.port ?? 0 });
  } catch (e) {
    await opened.db.close().catch(() => undefined);
    throw e;
  }
  let mllp: MllpListener | null = null;
  if (cfg.mllp) {
    const feed = new SiuFeed({ db: opened.db, timeZone: cfg.mllp.timeZone, acceptedFacilities: cfg.mllp.acceptedFacilities, now: cfg.now, settle: () => opened.service.settle() });
    try {
      mllp = await startMllpListener({
        host: cfg.mllp.host ?? host,
        port: cfg.mllp.port,
        maxFrameBytes: cfg.mllp.maxFrameBytes,
        handle: (text) => feed.handle(text),
        // codes, timings and the peer address only: never message content (PHI)
        log: (e) => (e.event === 'mllp-error' ? server.log.warn(e, e.event) : server.log.info(e, e.event)),
      });
    } catch (e) {
      await server.close().catch(() => undefined);
      await opened.db.close().catch(() => undefined);
      throw e;
    }
  }
  // codes only, never data (a database error message can quote a value)
  opened.service.materializer.onError = (e) => server.log.warn(e, 'materialize-retry');
  opened.service.materializer.kick(); // what a previous run logged but did not materialise yet
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (cfg.port ?? 0);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `${cfg.insecureHttp ? 'http' : 'https'}://${urlHost}:${port}`;
  return {
    ...opened,
    url,
    port,
    server,
    mllp,
    async close() {
      await mllp?.close();
      await server.close();
      await opened.service.materializer.close();
      await opened.db.close();
    },
  };
}
