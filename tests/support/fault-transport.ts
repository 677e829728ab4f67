/**
 * An in-process, seeded fault network between desks' sync engines and the hub: every HubTransport call a desk makes
 * becomes a message in flight, and the test's scheduler decides, one step at a time with a seeded RNG, which message
 * is handled next and what happens to it. Because only one message is delivered per step and each step is awaited to
 * completion, a seed gives the same order of arrivals at the hub every run.
 *
 * Faults per delivery (probabilities in `FaultRates`):
 *   drop       the request never reaches the hub; the desk sees a NETWORK error
 *   lose       the hub handles the request (commits) and answers, the answer is lost: the desk sees a NETWORK error
 *   duplicate  the request reaches the hub twice in a row; the desk gets the second answer
 *   stale      the request is delivered, and a copy stays in the network to arrive again later, after newer requests
 *              of the same desk (a retransmission overtaken by later batches: reordering at the hub)
 *   delay      the request stays in flight; other messages (of any desk) overtake it
 * Desks can also be partitioned (every request dropped until healed). `heal()` turns every fault off: messages in
 * flight and later calls are delivered as they come.
 */
import { HubRequestError } from '../../shared/sync/hub-client.js';
import type { HubTransport } from '../../electron/sync/engine.js';
import type { Rng } from '../../electron/demo/generator.js';

export interface FaultRates {
  drop: number;
  lose: number;
  duplicate: number;
  stale: number;
  delay: number;
}

export const DEFAULT_RATES: FaultRates = { drop: 0.12, lose: 0.15, duplicate: 0.08, stale: 0.08, delay: 0.2 };

type Method = Exclude<keyof HubTransport, 'close'>;

interface InFlight {
  desk: number;
  method: Method;
  args: unknown[];
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

interface Stale {
  desk: number;
  method: Method;
  args: unknown[];
}

export interface FaultStats {
  delivered: number;
  dropped: number;
  lostAfterCommit: number;
  duplicated: number;
  staleReplayed: number;
  delayed: number;
  partitionDrops: number;
}

const netError = (what: string) => new HubRequestError(0, 'NETWORK', `Cannot reach the hub: ${what} (injected)`);

export class FaultNet {
  private readonly inFlight: InFlight[] = [];
  private readonly stale: Stale[] = [];
  private readonly inner = new Map<number, HubTransport>();
  private readonly partitioned = new Set<number>();
  private healed = false;
  readonly stats: FaultStats = { delivered: 0, dropped: 0, lostAfterCommit: 0, duplicated: 0, staleReplayed: 0, delayed: 0, partitionDrops: 0 };

  constructor(
    private readonly rng: Rng,
    private readonly rates: FaultRates = DEFAULT_RATES,
  ) {}

  /** The transport desk `desk` uses: every call waits in the network until the scheduler handles it. */
  wrap(desk: number, real: HubTransport): HubTransport {
    this.inner.set(desk, real);
    const call =
      (method: Method) =>
      (...args: unknown[]): Promise<never> => {
        if (this.healed) return (real[method] as (...a: unknown[]) => Promise<never>)(...args);
        return new Promise((resolve, reject) => this.inFlight.push({ desk, method, args, resolve: resolve as (v: unknown) => void, reject }));
      };
    return {
      push: call('push'),
      pull: call('pull'),
      status: call('status'),
      // A long poll would hold the one-message-at-a-time scheduler for its whole timeout, so change notifications do
      // not cross the fault network: the engine falls back to interval rounds (what the fault suites drive anyway).
      wait: (cursor: number, timeoutMs: number) => (this.healed ? real.wait(cursor, timeoutMs) : Promise.reject(netError('no change notifications through the fault network'))),
      mrnBlock: call('mrnBlock'),
      reviewItems: call('reviewItems'),
      resolveReviewItem: call('resolveReviewItem'),
      close: () => real.close(),
    };
  }

  get pending(): number {
    return this.inFlight.length;
  }

  partition(desk: number, on: boolean): void {
    if (on) this.partitioned.add(desk);
    else this.partitioned.delete(desk);
  }

  private invoke(m: { desk: number; method: Method; args: unknown[] }): Promise<unknown> {
    const t = this.inner.get(m.desk)!;
    return (t[m.method] as (...a: unknown[]) => Promise<unknown>)(...m.args);
  }

  /** Handles one message in flight (or replays a stale copy). Returns false when there was nothing to do. */
  async step(): Promise<boolean> {
    const r = this.rng;
    if (this.stale.length > 0 && (this.inFlight.length === 0 || r.chance(0.15))) {
      const s = this.stale.splice(r.int(0, this.stale.length - 1), 1)[0]!;
      this.stats.staleReplayed++;
      await this.invoke(s).catch(() => undefined); // nobody waits for this answer any more
      return true;
    }
    if (this.inFlight.length === 0) return false;
    const i = r.int(0, this.inFlight.length - 1); // any message may overtake any other
    const m = this.inFlight[i]!;
    if (this.partitioned.has(m.desk)) {
      this.inFlight.splice(i, 1);
      this.stats.partitionDrops++;
      m.reject(netError('partitioned'));
      return true;
    }
    const x = r.float();
    const { drop, lose, duplicate, stale, delay } = this.rates;
    if (x < delay && this.inFlight.length > 1) {
      this.stats.delayed++;
      return true; // stays in flight; another step will pick it (or another message) later
    }
    this.inFlight.splice(i, 1);
    const y = r.float();
    if (y < drop) {
      this.stats.dropped++;
      m.reject(netError('connection dropped before the hub'));
      return true;
    }
    try {
      if (y < drop + lose) {
        await this.invoke(m).then(
          () => this.stats.lostAfterCommit++,
          () => undefined,
        );
        m.reject(netError('answer lost after the hub handled the request'));
        return true;
      }
      if (y < drop + lose + duplicate) {
        this.stats.duplicated++;
        const first = await this.invoke(m).then(
          (v) => ({ ok: true as const, v }),
          (e: unknown) => ({ ok: false as const, e }),
        );
        const second = await this.invoke(m).then(
          (v) => ({ ok: true as const, v }),
          (e: unknown) => ({ ok: false as const, e }),
        );
        const answer = second.ok || !first.ok ? second : first;
        if (answer.ok) m.resolve(answer.v);
        else m.reject(answer.e);
        return true;
      }
      if (y < drop + lose + duplicate + stale) this.stale.push({ desk: m.desk, method: m.method, args: m.args });
      this.stats.delivered++;
      m.resolve(await this.invoke(m));
    } catch (e) {
      m.reject(e);
    }
    return true;
  }

  /** No more faults: what is in flight is delivered in order (stale copies still arrive, last), later calls go straight through. */
  async heal(): Promise<void> {
    this.partitioned.clear();
    this.healed = true;
    while (this.inFlight.length > 0) {
      const m = this.inFlight.shift()!;
      try {
        m.resolve(await this.invoke(m));
      } catch (e) {
        m.reject(e);
      }
    }
    while (this.stale.length > 0) {
      const s = this.stale.shift()!;
      this.stats.staleReplayed++;
      await this.invoke(s).catch(() => undefined);
    }
  }
}
