import { afterEach, describe, expect, it } from 'vitest';
import { CR, decodeFrame, frame, FS, MllpFramer, startMllpListener, VT, type MllpListener, type MllpLogEvent } from '../../hub/feeds/mllp.js';
import { RawMllpClient, siu } from './hl7-fixtures.js';

const frames = (evs: ReturnType<MllpFramer['push']>) => evs.filter((e) => e.type === 'frame').map((e) => (e as { bytes: Buffer }).bytes.toString('utf8'));

describe('MLLP framer', () => {
  it('yields each message of a chunk holding several frames', () => {
    const f = new MllpFramer();
    const out = frames(f.push(Buffer.concat([frame('A1'), frame('B2'), frame('C3')])));
    expect(out).toEqual(['A1', 'B2', 'C3']);
  });

  it('reassembles frames split anywhere, down to one byte per TCP chunk (including between FS and CR)', () => {
    const bytes = Buffer.concat([frame(siu({ controlId: 'X1' })), frame(siu({ controlId: 'X2' }))]);
    const f = new MllpFramer();
    const got: string[] = [];
    for (let i = 0; i < bytes.length; i++) got.push(...frames(f.push(bytes.subarray(i, i + 1))));
    expect(got).toEqual([siu({ controlId: 'X1' }), siu({ controlId: 'X2' })]);
    const g = new MllpFramer();
    const cut = bytes.indexOf(FS) + 1; // chunk ends right after FS
    expect([...frames(g.push(bytes.subarray(0, cut))), ...frames(g.push(bytes.subarray(cut)))]).toHaveLength(2);
  });

  it('keeps a partial frame pending (a truncated frame is never delivered)', () => {
    const f = new MllpFramer();
    const whole = frame(siu());
    expect(frames(f.push(whole.subarray(0, whole.length - 2)))).toEqual([]);
    expect(f.pendingBytes).toBeGreaterThan(100);
  });

  it('counts bytes outside frames as junk, tolerates CR/LF between frames', () => {
    const f = new MllpFramer();
    const evs = f.push(Buffer.concat([Buffer.from('\r\nhello'), frame('M1'), Buffer.from('\n')]));
    expect(evs[0]).toEqual({ type: 'junk', bytes: 5 });
    expect(frames(evs)).toEqual(['M1']);
  });

  it('reports a frame over the limit once, with its beginning, and then ignores the connection', () => {
    const f = new MllpFramer(1000);
    const big = Buffer.concat([Buffer.from([VT]), Buffer.from(siu()), Buffer.alloc(2000, 0x41)]);
    const evs = f.push(big);
    expect(evs).toHaveLength(1);
    expect(evs[0]!.type).toBe('oversize');
    expect((evs[0] as { prefix: Buffer }).prefix.toString('utf8').startsWith('MSH|')).toBe(true);
    expect(f.push(frame('more'))).toEqual([]);
  });

  it('decodes ISO-8859-1 when MSH-18 says so, UTF-8 otherwise', () => {
    const latin = siu({ family: 'Muñoz' }).replace('|P|2.5.1', '|P|2.5.1||||||8859/1');
    expect(decodeFrame(Buffer.from(latin, 'latin1'))).toContain('Muñoz');
    expect(decodeFrame(Buffer.from(siu({ family: 'Muñoz' }), 'utf8'))).toContain('Muñoz');
  });
});

describe('MLLP listener over TCP', () => {
  let listener: MllpListener | undefined;
  afterEach(async () => {
    await listener?.close();
    listener = undefined;
  });

  it('answers several messages per connection in order, each after its handler finished, and logs no message content', async () => {
    const handled: string[] = [];
    const logs: MllpLogEvent[] = [];
    listener = await startMllpListener({
      host: '127.0.0.1',
      port: 0,
      log: (e) => logs.push(e),
      handle: async (text) => {
        const id = /\|SIU\^S12\^SIU_S12\|([^|]+)\|/.exec(text)![1]!;
        // the first message takes longest: its ACK must still come first
        await new Promise((r) => setTimeout(r, id === 'M1' ? 80 : 5));
        handled.push(id);
        return { ack: `ACK-${id}`, code: 'AA' };
      },
    });
    const c = await RawMllpClient.connect(listener.port);
    const all = Buffer.concat(['M1', 'M2', 'M3'].map((id) => frame(siu({ controlId: id }))));
    // split the three frames across odd chunk boundaries
    c.write(all.subarray(0, 7));
    c.write(all.subarray(7, 500));
    c.write(all.subarray(500));
    expect(await c.waitAcks(3)).toEqual(['ACK-M1', 'ACK-M2', 'ACK-M3']);
    expect(handled).toEqual(['M1', 'M2', 'M3']);
    c.end();
    const text = JSON.stringify(logs);
    expect(text).not.toContain('Alvarez');
    expect(text).not.toContain('19750314');
    expect(logs.filter((l) => l.event === 'mllp-message').map((l) => l.ack)).toEqual(['AA', 'AA', 'AA']);
  });

  it('refuses an oversized frame with an AR mirroring its MSH and closes the connection; the handler never sees it', async () => {
    let calls = 0;
    listener = await startMllpListener({
      host: '127.0.0.1',
      port: 0,
      maxFrameBytes: 2000,
      handle: async () => {
        calls++;
        return { ack: 'x', code: 'AA' };
      },
    });
    const c = await RawMllpClient.connect(listener.port);
    c.write(Buffer.concat([Buffer.from([VT]), Buffer.from(siu({ controlId: 'BIG-1' })), Buffer.alloc(5000, 0x41), Buffer.from([FS, CR])]));
    const [ack] = await c.waitAcks(1);
    expect(ack).toMatch(/^MSH\|\^~\\&\|ACCESSDESK\|RIVERSIDE CLINIC\|EPIC\|RIVERSIDE\|/);
    expect(ack).toContain('MSA|AR|BIG-1|Message larger than 2000 bytes');
    await c.waitAcks(2, 10_000); // returns at once when the hub closed the connection (no second ACK ever comes)
    expect(c.closed).toBe(true);
    expect(calls).toBe(0);
  });

  it('a connection cut mid-frame processes nothing; a handler failure is answered with AE and the connection goes on', async () => {
    const seen: string[] = [];
    listener = await startMllpListener({
      host: '127.0.0.1',
      port: 0,
      handle: async (text) => {
        seen.push(text);
        if (text.includes('|BOOM|')) throw new Error('db gone');
        return { ack: 'OK', code: 'AA' };
      },
    });
    const cut = await RawMllpClient.connect(listener.port);
    const whole = frame(siu({ controlId: 'CUT-1' }));
    cut.write(whole.subarray(0, whole.length - 10));
    cut.socket.destroy();
    const c = await RawMllpClient.connect(listener.port);
    c.write(frame(siu({ controlId: 'BOOM' })));
    c.write(frame(siu({ controlId: 'AFTER' })));
    const acks = await c.waitAcks(2);
    expect(acks[0]).toContain('MSA|AE|BOOM|The hub could not process the message now');
    expect(acks[1]).toBe('OK');
    expect(seen.some((t) => t.includes('CUT-1'))).toBe(false);
    c.end();
  });
});
