/**
 * MLLP (HL7 Minimal Lower Layer Protocol, release 1/2 framing): each message travels as
 *   <VT 0x0B> message bytes <FS 0x1C><CR 0x0D>
 * over plain TCP, several messages per connection, and the receiver answers each with an ACK framed the same way.
 * This is how clinics' interface engines (Mirth/NextGen Connect, Rhapsody, Cloverleaf, Epic Bridges) talk.
 *
 * Written here rather than taken from node-hl7-server/node-hl7-client's MLLPCodec because the hub needs three things
 * those do not give: a frame size limit (a sender cannot make the hub buffer without bound), a per-connection queue
 * so ACKs go back in order and only after the message's transaction committed, and control over what is logged (no
 * PHI). The framing itself is a few lines.
 *
 * Security: MLLP has no authentication or encryption. Bind the listener to the interface engine's network (a
 * loopback address when the engine runs on the hub's machine, else the LAN/VLAN address the engine reaches), and
 * restrict by firewall to the engine's address; `acceptedFacilities` refuses messages from other sending
 * facilities. TLS (MLLP over TLS, as Mirth supports) is a later step: node:tls can wrap this same framer.
 */
import net from 'node:net';
import { buildAck, HL7_ERR, readMshRaw } from './hl7.js';
import { newId } from '../../shared/ids.js';

export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

/** Default frame limit: an SIU message is a few KB; 1 MiB leaves room for long notes without letting memory grow. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

export type FramerEvent = { type: 'frame'; bytes: Buffer } | { type: 'oversize'; prefix: Buffer } | { type: 'junk'; bytes: number };

/**
 * Incremental MLLP deframer: feed it TCP chunks in any split, it yields complete frames. Bytes outside a frame other
 * than CR/LF are counted as junk (reported, then skipped); a frame larger than `maxFrameBytes` yields 'oversize'
 * once (with its first bytes, so the ACK can still mirror the MSH) and the connection should be closed.
 */
export class MllpFramer {
  private parts: Buffer[] = [];
  private size = 0;
  private inFrame = false;
  private sawFs = false;
  private failed = false;
  constructor(readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {}

  push(chunk: Buffer): FramerEvent[] {
    const out: FramerEvent[] = [];
    if (this.failed) return out;
    let junk = 0;
    let i = 0;
    while (i < chunk.length) {
      if (!this.inFrame) {
        const b = chunk[i]!;
        if (b === VT) {
          this.inFrame = true;
          this.parts = [];
          this.size = 0;
          this.sawFs = false;
        } else if (b !== CR && b !== 0x0a) junk++;
        i++;
        continue;
      }
      if (this.sawFs) {
        if (chunk[i] === CR) {
          out.push({ type: 'frame', bytes: Buffer.concat(this.parts, this.size) });
          this.inFrame = false;
          this.sawFs = false;
          this.parts = [];
          this.size = 0;
          i++;
          continue;
        }
        // FS not followed by CR: FS is data (it never is in HL7 text), keep it and go on
        this.append(Buffer.from([FS]));
        this.sawFs = false;
      }
      const fs = chunk.indexOf(FS, i);
      const end = fs === -1 ? chunk.length : fs;
      if (end > i) this.append(chunk.subarray(i, end));
      if (this.size > this.maxFrameBytes) {
        out.push({ type: 'oversize', prefix: Buffer.concat(this.parts, this.size).subarray(0, 4096) });
        this.failed = true;
        this.parts = [];
        return out;
      }
      if (fs === -1) break;
      this.sawFs = true;
      i = fs + 1;
    }
    if (junk > 0) out.unshift({ type: 'junk', bytes: junk });
    return out;
  }

  /** Bytes of an unfinished frame (a connection closed mid-frame = a truncated message, never processed). */
  get pendingBytes(): number {
    return this.inFrame ? this.size : 0;
  }

  private append(b: Buffer): void {
    this.parts.push(Buffer.from(b));
    this.size += b.length;
  }
}

export function frame(text: string): Buffer {
  return Buffer.concat([Buffer.from([VT]), Buffer.from(text, 'utf8'), Buffer.from([FS, CR])]);
}

/**
 * Frame bytes -> text. HL7's character set is named in MSH-18 (empty = ASCII); UTF-8 is read as UTF-8 and
 * ISO-8859-1 ("8859/1") as latin1, so an accented name from an older engine is not mangled.
 */
export function decodeFrame(bytes: Buffer): string {
  const head = bytes.subarray(0, Math.min(bytes.length, 1024)).toString('latin1');
  const firstSeg = head.split(/[\r\n]/)[0] ?? '';
  const fs = firstSeg[3] ?? '|';
  const charset = (firstSeg.split(fs)[17] ?? '').toUpperCase();
  return charset.startsWith('8859') ? bytes.toString('latin1') : bytes.toString('utf8');
}

export interface MllpLogEvent {
  event: 'mllp-connection' | 'mllp-message' | 'mllp-error';
  remote?: string;
  ack?: string;
  errCode?: string;
  ms?: number;
  detail?: string;
}

export interface MllpListenerOptions {
  host: string;
  port: number;
  /** handles one message and returns the ACK text (it never throws: a failure is an AR/AE ACK) */
  handle: (text: string) => Promise<{ ack: string; code: string; errCode?: string }>;
  maxFrameBytes?: number;
  /** a connection idle this long is closed (engines reconnect); default 10 minutes */
  idleTimeoutMs?: number;
  maxConnections?: number;
  /** non-PHI events only (codes, timings, remote address) */
  log?: (e: MllpLogEvent) => void;
}

export interface MllpListener {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the MLLP listener. Messages on one connection are handled one at a time, ACKs in order. */
export async function startMllpListener(opts: MllpListenerOptions): Promise<MllpListener> {
  /** each open connection and the tail of its message queue (close waits for messages being handled) */
  const sockets = new Map<net.Socket, () => Promise<void>>();
  const log = opts.log ?? (() => undefined);
  const server = net.createServer((socket) => {
    sockets.set(socket, () => queue);
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    log({ event: 'mllp-connection', remote });
    socket.setNoDelay(true);
    socket.setTimeout(opts.idleTimeoutMs ?? 10 * 60_000, () => socket.destroy());
    const framer = new MllpFramer(opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
    let queue: Promise<void> = Promise.resolve();
    const send = (ack: string) => {
      if (!socket.destroyed && socket.writable) socket.write(frame(ack));
    };
    socket.on('data', (chunk: Buffer) => {
      for (const ev of framer.push(chunk)) {
        if (ev.type === 'junk') log({ event: 'mllp-error', remote, detail: `${ev.bytes} bytes outside an MLLP frame ignored` });
        else if (ev.type === 'oversize') {
          const text = decodeFrame(ev.prefix);
          const limit = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
          log({ event: 'mllp-error', remote, ack: 'AR', detail: `frame larger than ${limit} bytes; connection closed` });
          queue = queue.then(() => {
            send(buildAck({ inbound: readMshRaw(text), code: 'AR', text: `Message larger than ${limit} bytes: refused, nothing was written`, error: { code: HL7_ERR.internal }, controlId: newId(), now: new Date() }));
            socket.end();
          });
        } else {
          const text = decodeFrame(ev.bytes);
          queue = queue.then(async () => {
            const t0 = performance.now();
            try {
              const r = await opts.handle(text);
              log({ event: 'mllp-message', remote, ack: r.code, errCode: r.errCode, ms: Math.round(performance.now() - t0) });
              send(r.ack);
            } catch (e) {
              // handle() answers every failure itself; this is a bug or the database going away: AE, the engine retries
              log({ event: 'mllp-error', remote, ack: 'AE', detail: (e as Error).name });
              send(buildAck({ inbound: readMshRaw(text), code: 'AE', text: 'The hub could not process the message now; nothing was written. Send it again.', error: { code: HL7_ERR.internal }, controlId: newId(), now: new Date() }));
            }
          });
        }
      }
    });
    socket.on('error', () => undefined); // a reset by the peer: the close handler cleans up
    socket.on('close', () => {
      sockets.delete(socket);
      if (framer.pendingBytes > 0) log({ event: 'mllp-error', remote, detail: `connection closed inside a frame (${framer.pendingBytes} bytes): truncated message not processed` });
    });
  });
  if (opts.maxConnections) server.maxConnections = opts.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return {
    host: opts.host,
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Stop reading, let messages already being handled commit and be answered, then drop the connections.
      const tails = [...sockets].map(([s, tail]) => {
        s.pause();
        return tail().finally(() => s.destroy());
      });
      await Promise.allSettled(tails);
      await closed;
    },
  };
}
