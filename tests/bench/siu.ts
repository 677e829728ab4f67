/**
 * siu-burst: a burst of BENCH_SIU_MESSAGES (default 100) SIU^S12 messages over ONE MLLP connection (pipelined, as an
 * interface engine replays a queue after an outage) into a real hub (PGlite from the test template, the real
 * SiuFeed: parse, dedup, directory by code, patient match against the hub index, visits state machine,
 * hub-authored op + snapshot per message, ACK after each commit). Half the messages are for patients in the hub's
 * index (matched), half for unknown patients (pending). Every ACK must be AA.
 * Baselines measured in the same run, on the same messages:
 *   parse-only      the same messages parsed and validated (parseSiu) without the database: the ceiling
 *   one-per-conn    the same number of messages, each on its own TCP connection (connect, send, wait ACK, close),
 *                   as naive senders do
 * Figures: messages/s of each (median of BENCH_SIU_ROUNDS, default 3), ratio = burst / one-per-conn, and burst /
 * parse-only. One JSON line.
 *
 * Run alone: npx tsx tests/bench/siu.ts
 */
import { startTestHub } from '../hub/support.js';
import { enrolledDesk } from '../support/hub.js';
import { SiuFeed } from '../../hub/feeds/ingest.js';
import { frame, startMllpListener } from '../../hub/feeds/mllp.js';
import { parseSiu } from '../../hub/feeds/siu.js';
import { RawMllpClient, siu } from '../unit/hl7-fixtures.js';
import { log } from '../../electron/log.js';

type Emit = (o: Record<string, unknown>) => void;
type Progress = (msg: string) => void;

const envInt = (k: string, d: number) => {
  const v = process.env[k];
  const n = v === undefined || v === '' ? d : Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${k} must be a positive whole number`);
  return n;
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const FAMILIES = ['Abbott', 'Brennan', 'Castillo', 'Dubois', 'Eriksen', 'Fitzgerald', 'Gallagher', 'Hoffmann', 'Ibarra', 'Jablonski', 'Kowalczyk', 'Lindqvist', 'Montoya', 'Nakamura', 'Okonkwo', 'Petrakis', 'Quintero', 'Rasmussen', 'Sandoval', 'Takahashi', 'Underwood', 'Vasquez', 'Whitaker', 'Xiong', 'Yilmaz'];
const GIVENS = ['Alex', 'Priya'];
/** 50 patients in the hub's index, clearly distinct (no duplicate warnings when they are registered) */
const KNOWN = Array.from({ length: 50 }, (_, i) => ({ family: FAMILIES[i % 25]!, given: GIVENS[Math.floor(i / 25)]!, dob: `${1940 + i}-0${(i % 9) + 1}-15` }));

function messages(round: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = KNOWN[i % KNOWN.length]!;
    const known = i % 2 === 0;
    const minute = (i * 5) % 600;
    const start = `20260106${String(8 + Math.floor(minute / 60)).padStart(2, '0')}${String(minute % 60).padStart(2, '0')}`;
    out.push(
      siu({
        controlId: `${round}-${i}`,
        fillerId: `${round}-F${i}`,
        start,
        family: known ? k.family : `Unknown${round.replace(/\W/g, '')}x${i}`,
        given: known ? k.given : 'Pat',
        dob: known ? k.dob.replace(/-/g, '') : '19850505',
        mrn: `EXT${round}${i}`,
      }),
    );
  }
  return out;
}

export async function benchSiu(emit: Emit, progress: Progress): Promise<void> {
  const N = envInt('BENCH_SIU_MESSAGES', 100);
  const ROUNDS = envInt('BENCH_SIU_ROUNDS', 3);
  progress('siu-burst: starting a hub and a desk (directory, patients, site time zone)');
  log.setLevel('warn'); // the desk's info lines would mix into the JSON figures on stdout
  const hub = await startTestHub();
  const desk = await enrolledDesk(hub, 'Bench desk');
  try {
    await desk.call('visits.saveDepartment', { department: { name: 'Family Medicine', code: 'FAMMED', active: true } });
    await desk.call('visits.saveProvider', { provider: { displayName: 'Dr. Linh Nguyen', code: 'NPI1234567890', npi: '', departmentIds: [], active: true } });
    await desk.call('visits.saveAppointmentType', { appointmentType: { name: 'Follow-up', code: 'FU', durationMin: 20, copayCategory: 'primary-care', defaultCopayCents: 2500, authorizationRequired: false, active: true } });
    for (const k of KNOWN) {
      await desk.call('patients.register', { patient: { name: { given: k.given, family: k.family }, birthDate: k.dob, sexAtBirth: 'female' } as never });
    }
    await desk.sync();
    const feed = new SiuFeed({ db: hub.db });
    const listener = await startMllpListener({ host: '127.0.0.1', port: 0, handle: (t) => feed.handle(t) });
    const checkAll = (acks: string[], what: string) => {
      const bad = acks.filter((a) => !a.includes('\rMSA|AA|'));
      if (bad.length) throw new Error(`${what}: ${bad.length} ACKs were not AA, e.g. ${bad[0]!.split('\r')[1]}`);
    };
    try {
      const parseRates: number[] = [];
      const burstRates: number[] = [];
      const connRates: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        // parse-only (same shape of messages)
        const pm = messages(`P${r}`, N);
        let t0 = performance.now();
        for (const m of pm) parseSiu(m, { timeZone: 'America/Chicago' });
        parseRates.push(N / ((performance.now() - t0) / 1000));

        // burst on one connection
        const bm = messages(`B${r}`, N);
        const c = await RawMllpClient.connect(listener.port);
        t0 = performance.now();
        c.write(Buffer.concat(bm.map(frame)));
        const acks = await c.waitAcks(N, 120_000);
        const burstS = (performance.now() - t0) / 1000;
        c.end();
        checkAll(acks, 'burst');
        burstRates.push(N / burstS);

        // one message per connection
        const om = messages(`C${r}`, N);
        t0 = performance.now();
        const oneAcks: string[] = [];
        for (const m of om) {
          const cc = await RawMllpClient.connect(listener.port);
          cc.write(frame(m));
          oneAcks.push(...(await cc.waitAcks(1, 30_000)));
          cc.end();
        }
        connRates.push(N / ((performance.now() - t0) / 1000));
        checkAll(oneAcks, 'one-per-connection');
        progress(`siu-burst round ${r + 1}/${ROUNDS}: burst ${round(burstRates[r]!)} msg/s, one-per-conn ${round(connRates[r]!)} msg/s, parse-only ${round(parseRates[r]!)} msg/s`);
      }
      const appts = Number((await hub.db.query<{ n: unknown }>("SELECT COUNT(*) n FROM ops WHERE kind = 'appointment.booked'")).rows[0]!.n);
      if (appts !== ROUNDS * N * 2) throw new Error(`expected ${ROUNDS * N * 2} booked appointments at the hub, found ${appts}`);
      const burst = median(burstRates);
      const perConn = median(connRates);
      const parseOnly = median(parseRates);
      emit({
        bench: 'siu-burst',
        messages: N,
        rounds: ROUNDS,
        database: process.env.HUB_TEST_DATABASE_URL ? 'postgresql' : 'pglite',
        burst_msgs_per_s: round(burst),
        burst_ms_per_msg: round(1000 / burst, 2),
        baseline_one_per_connection_msgs_per_s: round(perConn),
        baseline_parse_only_msgs_per_s: round(parseOnly),
        ratio: round(burst / perConn, 2),
        ratio_vs_parse_only: round(burst / parseOnly, 4),
      });
    } finally {
      await listener.close();
    }
  } finally {
    desk.destroy();
    await hub.destroy();
    log.setLevel('info');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchSiu(
    (o) => process.stdout.write(JSON.stringify(o) + '\n'),
    (m) => process.stderr.write(`[bench] ${m}\n`),
  ).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
