/**
 * `npm run web [-- --data-dir DIR] [--port N] [--demo]`: the desk's backend and the built renderer on 127.0.0.1.
 * Data directory: --data-dir, else ACCESSDESK_DATA_DIR, else ./.data/desk.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createDeskApp } from '../app.js';
import { startWebHost } from './host.js';
import { StoreOpenError } from '../store/db.js';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string' },
    demo: { type: 'boolean', default: false },
    'demo-patients': { type: 'string' },
  },
  allowPositionals: false,
});

const dataDir = path.resolve(values['data-dir'] ?? process.env.ACCESSDESK_DATA_DIR ?? path.join(process.cwd(), '.data', 'desk'));
const port = Number(values.port ?? process.env.ACCESSDESK_PORT ?? 5170);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a number from 0 to 65535`);
  process.exit(2);
}

async function main() {
  let app;
  try {
    app = createDeskApp(dataDir);
  } catch (e) {
    if (e instanceof StoreOpenError) {
      console.error(`AccessDesk cannot start: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  if (values.demo) {
    const { seedDemo } = await import('../demo/seed.js');
    const n = values['demo-patients'] ? Number(values['demo-patients']) : undefined;
    const res = await seedDemo(app, { patients: n });
    console.log(res.seeded ? `Demo clinic seeded: ${res.patients} patients. Sign in as ${res.users.map((u) => `${u.username} / ${u.password}`).join(', ')}` : 'Demo: the store already has data; nothing seeded.');
  }
  const host = await startWebHost(app, { port, staticDir: path.resolve('build/renderer') });
  console.log(`AccessDesk web host on ${host.url} (data: ${dataDir})`);
  console.log(`Open: ${host.launchUrl}`);
  const stop = async () => {
    await host.close();
    app.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  console.error(`AccessDesk web host failed: ${(e as Error).message}`);
  process.exit(1);
});
