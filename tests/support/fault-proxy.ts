/**
 * A real TCP proxy on 127.0.0.1 between desks and the hub that injects network faults (node:net, bytes only: the
 * desk's HTTPS stays end to end, so the desk's real HTTP client, TLS and certificate pinning are what is tested).
 *
 * Every accepted connection gets one fault from `choose(index)` (the caller's seeded RNG):
 *   pass           forward both ways (optionally delaying every chunk)
 *   refuse         close at once: nothing reaches the hub
 *   blackhole      accept, forward nothing, close after `ms` (a hung network)
 *   cut-request    forward only the first `afterBytes` bytes from the desk, then cut both sides (with TLS the hub
 *                  gets a partial record or handshake: it never sees a complete request)
 *   lose-response  forward the whole request; the hub handles it (commits) and answers; the desk never gets the
 *                  answer and sees the connection reset. "Request complete" is detected from TLS record headers
 *                  (plain-text) — the desk's 2nd application-data record under TLS 1.3 (1st is its Finished) — or the
 *                  first byte under plain HTTP; the hub's answer is awaited (it goes quiet for `quietMs` after
 *                  sending) before both sides are closed, so the hub is never interrupted mid-transaction.
 *   cut-response   forward the request, forward only `afterBytes` of what the hub sends back, then cut.
 *
 * Connections that pass are closed when idle for `idleCloseMs` after the hub's last answer (never while the desk
 * waits for the hub), so a keep-alive client opens a new connection (and draws a new fault) for most requests;
 * `keepAlive: true` keeps them open. `setDown(true)` refuses everything and cuts open connections (hub
 * unreachable); `setDown(false)` heals.
 */
import net from 'node:net';

export type ConnFault =
  | { kind: 'pass'; delayMs?: number; keepAlive?: boolean }
  | { kind: 'refuse' }
  | { kind: 'blackhole'; ms: number }
  | { kind: 'cut-request'; afterBytes: number }
  | { kind: 'lose-response' }
  | { kind: 'cut-response'; afterBytes: number };

export interface FaultProxyOptions {
  target: { host: string; port: number };
  /** Decides the fault of the n-th accepted connection (0-based). Default: pass. */
  choose?: (index: number) => ConnFault;
  /** Whether the target speaks TLS (for the lose-response boundary). Default true. */
  tls?: boolean;
  idleCloseMs?: number;
  quietMs?: number;
}

/** Counts TLS records of one direction from their plain-text 5-byte headers. */
class TlsRecordCounter {
  private pending = Buffer.alloc(0);
  private skip = 0;
  appData = 0;
  feed(chunk: Buffer): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, buf.length);
        this.skip -= n;
        buf = buf.subarray(n);
        if (this.skip > 0) break;
      }
      if (buf.length < 5) break;
      const type = buf[0]!;
      const len = buf.readUInt16BE(3);
      if (type === 0x17) this.appData++;
      this.skip = len;
      buf = buf.subarray(5);
    }
    this.pending = Buffer.from(buf);
  }
}

export class FaultProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private index = 0;
  private down = false;
  readonly stats: Record<ConnFault['kind'] | 'refused-down', number> = {
    pass: 0,
    refuse: 0,
    blackhole: 0,
    'cut-request': 0,
    'lose-response': 0,
    'cut-response': 0,
    'refused-down': 0,
  };
  /** Responses the hub sent that never reached the desk (lose-response that completed). */
  lostResponses = 0;
  port = 0;

  constructor(private readonly opts: FaultProxyOptions) {}

  get url(): string {
    return `${this.opts.tls === false ? 'http' : 'https'}://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<number> {
    const server = net.createServer((c) => this.accept(c));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    return this.port;
  }

  setChooser(choose: (index: number) => ConnFault): void {
    this.opts.choose = choose;
  }

  /** Hub unreachable (true) or reachable again (false). Going down cuts every open connection. */
  setDown(down: boolean): void {
    this.down = down;
    if (down) for (const s of this.sockets) s.destroy();
  }

  /** Cuts every open connection (e.g. before healing, so no faulty connection lingers). */
  cutAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.cutAll();
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  private track(s: net.Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => undefined);
  }

  private accept(client: net.Socket): void {
    this.track(client);
    if (this.down) {
      this.stats['refused-down']++;
      client.destroy();
      return;
    }
    const fault = this.opts.choose?.(this.index++) ?? { kind: 'pass' };
    this.stats[fault.kind]++;
    if (fault.kind === 'refuse') {
      client.destroy();
      return;
    }
    if (fault.kind === 'blackhole') {
      client.on('data', () => undefined);
      setTimeout(() => client.destroy(), fault.ms).unref();
      return;
    }
    const upstream = net.connect(this.opts.target.port, this.opts.target.host);
    this.track(upstream);
    const cutBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());

    const idleMs = this.opts.idleCloseMs ?? 15;
    const keepAlive = fault.kind === 'pass' && fault.keepAlive === true;
    let idle: NodeJS.Timeout | null = null;
    let lastFromHub = false;
    const touch = () => {
      if (idle) clearTimeout(idle);
      idle = null;
      if (keepAlive || !lastFromHub) return; // the desk is waiting for the hub: never cut that
      idle = setTimeout(cutBoth, idleMs);
      idle.unref();
    };
    const delay = fault.kind === 'pass' ? (fault.delayMs ?? 0) : 0;
    const send = (to: net.Socket, chunk: Buffer) => {
      if (delay > 0) {
        setTimeout(() => {
          if (!to.destroyed) to.write(chunk);
          touch();
        }, delay).unref();
      } else if (!to.destroyed) to.write(chunk);
    };

    const tls = this.opts.tls !== false;
    const fromClient = new TlsRecordCounter();
    let clientBytes = 0;
    let requestComplete = false;
    let hubBytesAfterRequest = 0;
    let quiet: NodeJS.Timeout | null = null;

    client.on('data', (chunk: Buffer) => {
      if (fault.kind === 'cut-request') {
        const room = fault.afterBytes - clientBytes;
        clientBytes += chunk.length;
        if (room > 0) upstream.write(chunk.subarray(0, room));
        if (clientBytes >= fault.afterBytes) setImmediate(cutBoth);
        return;
      }
      clientBytes += chunk.length;
      if (tls) fromClient.feed(chunk);
      if (!requestComplete && (tls ? fromClient.appData >= 2 : clientBytes > 0)) requestComplete = true;
      lastFromHub = false;
      send(upstream, chunk);
      if (fault.kind === 'pass') touch();
    });

    let hubBytes = 0;
    upstream.on('data', (chunk: Buffer) => {
      if (fault.kind === 'lose-response' && requestComplete) {
        // swallow the answer; close once the hub has gone quiet (its answer is complete)
        hubBytesAfterRequest += chunk.length;
        if (quiet) clearTimeout(quiet);
        quiet = setTimeout(() => {
          this.lostResponses++;
          cutBoth();
        }, this.opts.quietMs ?? 40);
        return;
      }
      if (fault.kind === 'cut-response' && requestComplete) {
        const room = fault.afterBytes - hubBytes;
        hubBytes += chunk.length;
        if (room > 0) client.write(chunk.subarray(0, room));
        if (hubBytes >= fault.afterBytes) setImmediate(cutBoth);
        return;
      }
      lastFromHub = true;
      send(client, chunk);
      if (fault.kind === 'pass') touch();
    });
    void hubBytesAfterRequest;
  }
}
