/**
 * Real-shaped SIU messages (as Epic/Cerner/athena-style engines send them through Mirth) for the feed tests.
 * Not a test file itself (no .test.ts): imported by tests/unit/hl7-*.test.ts, tests/hub/feeds-*.test.ts and the bench.
 */
import net from 'node:net';
import { MllpFramer } from '../../hub/feeds/mllp.js';

export interface SiuFixture {
  trigger?: 'S12' | 'S13' | 'S14' | 'S15' | 'S26' | string;
  controlId?: string;
  fillerId?: string;
  placerId?: string;
  /** local YYYYMMDDHHMM[SS] (site time) or with an offset */
  start?: string;
  duration?: number;
  reason?: string;
  type?: string;
  typeText?: string;
  dept?: string;
  deptName?: string;
  provider?: string;
  providerFamily?: string;
  providerGiven?: string;
  mrn?: string;
  family?: string;
  given?: string;
  middle?: string;
  dob?: string;
  sex?: string;
  phone?: string;
  street?: string;
  city?: string;
  state?: string;
  zip?: string;
  sendingApp?: string;
  sendingFacility?: string;
  eventReason?: string;
  version?: string;
}

export function siu(f: SiuFixture = {}): string {
  const trigger = f.trigger ?? 'S12';
  const start = f.start ?? '202601061400';
  const dur = f.duration ?? 30;
  const phone = f.phone ?? '2175551234';
  return [
    `MSH|^~\\&|${f.sendingApp ?? 'EPIC'}|${f.sendingFacility ?? 'RIVERSIDE'}|ACCESSDESK|RIVERSIDE CLINIC|20260105093000||SIU^${trigger}^SIU_S12|${f.controlId ?? `CTRL-${trigger}-1`}|P|${f.version ?? '2.5.1'}`,
    `SCH|${f.placerId ?? 'PL-1001'}^EPIC|${f.fillerId ?? 'FA-1001'}^EPIC||||${f.eventReason ?? ''}|${f.reason ?? 'FOLLOWUP^Follow-up visit'}|${f.type ?? 'FU'}^${f.typeText ?? 'Follow-up'}|${dur}|MIN|^^${dur}^${start}|||||1001^Jones^Pat|^WPN^PH^^^217^5550000||||||||Booked`,
    `TQ1|1||||||${start}`,
    `PID|1||${f.mrn ?? 'E55501'}^^^RIVERSIDE^MR||${f.family ?? 'Alvarez'}^${f.given ?? 'Maria'}^${f.middle ?? 'L'}||${f.dob ?? '19750314'}|${f.sex ?? 'F'}|||${f.street ?? '123 North Main Street'}^^${f.city ?? 'Springfield'}^${f.state ?? 'IL'}^${f.zip ?? '62701'}^USA||^PRN^PH^^^${phone.slice(0, 3)}^${phone.slice(3)}`,
    'PV1|1|O',
    'RGS|1|A',
    `AIS|1|A|${f.type ?? 'FU'}^${f.typeText ?? 'Follow-up'}|${start}|||${dur}|MIN`,
    `AIL|1|A|${f.dept ?? 'FAMMED'}^^^RIVERSIDE^^^^^${f.deptName ?? 'Family Medicine'}|C^Clinic`,
    `AIP|1|A|${f.provider ?? 'NPI1234567890'}^${f.providerFamily ?? 'Nguyen'}^${f.providerGiven ?? 'Linh'}^^^Dr|D^Doctor||${start}`,
  ].join('\r');
}

/** A raw MLLP client: sends bytes, collects ACK frames. */
export class RawMllpClient {
  private framer = new MllpFramer();
  acks: string[] = [];
  closed = false;
  private waiters: (() => void)[] = [];
  private constructor(readonly socket: net.Socket) {
    socket.on('data', (c: Buffer) => {
      for (const e of this.framer.push(c)) if (e.type === 'frame') this.acks.push(e.bytes.toString('utf8'));
      this.waiters.splice(0).forEach((w) => w());
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiters.splice(0).forEach((w) => w());
    });
  }
  static connect(port: number): Promise<RawMllpClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawMllpClient(s)));
      s.once('error', reject);
    });
  }
  write(b: Buffer | string): void {
    this.socket.write(b);
  }
  async waitAcks(n: number, ms = 10_000): Promise<string[]> {
    const end = Date.now() + ms;
    while (this.acks.length < n && !this.closed) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${n} ACKs (have ${this.acks.length})`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
    return this.acks.slice(0, n);
  }
  end(): void {
    this.socket.end();
  }
}

