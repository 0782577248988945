/**
 * Engines for evaluating many pipeline runs at once. Wrapped engines share one gate:
 *
 * - at most one `generate` runs at a time across ALL of them (two in-process onnxruntime-web
 *   engines running at once were seen to fail, client/pipelines/run_action.ts);
 * - `generate` calls that wait at the gate for the same engine are merged into ONE engine
 *   batch (row ids made unique, results split back). A batch's make-up changes sampled rows,
 *   so the best_of_n section keeps one problem in flight (BEST_OF_N_IN_FLIGHT) and merging
 *   only joins calls made together within it;
 * - identical rows (same prompt or messages, sampling settings and seed) are answered from a
 *   cache: best-of-n runs of different selection methods and n with the same seeds then score
 *   the very same candidates (the first n of 16 are the candidates of n), which makes their
 *   comparison paired per sample and costs each candidate once.
 *
 * `counts()` reports the rows the engines really generated and the batches they ran.
 *
 * @module
 */
import type {
  CallOptions,
  Engine,
  GenerateRequest,
  GenerateResult,
} from "../../../client/engine/api.ts";

/** What the gate's engines did. */
export interface GateCounts {
  /** Rows handed to each engine (cache hits not counted), by wrapped-engine name. */
  readonly rows: Record<string, number>;
  /** `engine.generate` calls per engine. */
  readonly batches: Record<string, number>;
  /** Rows answered from the cache. */
  readonly cacheHits: number;
}

interface Waiting {
  readonly requests: readonly GenerateRequest[];
  resolve(results: GenerateResult[]): void;
  reject(error: unknown): void;
}

interface Lane {
  readonly name: string;
  readonly engine: Engine;
  readonly queue: Waiting[];
  readonly cache: Map<string, GenerateResult>;
}

/** The row without its id: identical keys give identical results (rows come from one code path, so key order is stable). */
function rowKey(r: GenerateRequest): string {
  const { id: _id, ...rest } = r;
  return JSON.stringify(rest);
}

/** A gate over named engines; `wrap(name, engine)` gives the gated engine. */
export class EngineGate {
  readonly #lanes: Lane[] = [];
  #busy = false;
  #cacheHits = 0;
  readonly #rows: Record<string, number> = {};
  readonly #batches: Record<string, number> = {};

  /** The gated, caching engine of `engine` (`name` labels its counts). */
  wrap(name: string, engine: Engine): Engine {
    const lane: Lane = { name, engine, queue: [], cache: new Map() };
    this.#lanes.push(lane);
    this.#rows[name] = 0;
    this.#batches[name] = 0;
    return {
      // Chat completions are not used by best-of-n; they pass through ungated.
      chat: engine.chat,
      generate: (requests: readonly GenerateRequest[], _options?: CallOptions) =>
        this.#generate(lane, requests),
      info: () => engine.info(),
      stats: () => engine.stats(),
      adapterMetrics: () => engine.adapterMetrics(),
      // The caller of the wrapped engine does not own it: the CLI disposes the real one.
      dispose: () => Promise.resolve(),
    };
  }

  /** Rows, batches and cache hits so far. */
  counts(): GateCounts {
    return { rows: { ...this.#rows }, batches: { ...this.#batches }, cacheHits: this.#cacheHits };
  }

  async #generate(lane: Lane, requests: readonly GenerateRequest[]): Promise<GenerateResult[]> {
    const cached = requests.map((r) => lane.cache.get(rowKey(r)));
    const missing = requests.filter((_, i) => cached[i] === undefined);
    this.#cacheHits += requests.length - missing.length;
    const fresh = missing.length === 0 ? [] : await new Promise<GenerateResult[]>(
      (resolve, reject) => {
        lane.queue.push({ requests: missing, resolve, reject });
        void this.#pump();
      },
    );
    let k = 0;
    return requests.map((r, i) => {
      const hit = cached[i];
      if (hit !== undefined) return { ...hit, id: r.id };
      const result = fresh[k++]!;
      lane.cache.set(rowKey(r), result);
      return result;
    });
  }

  /** Run the waiting calls, one merged batch per engine at a time, until none wait. */
  async #pump(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      // One macrotask first, so calls made in the same turn (e.g. Promise.all) merge.
      await new Promise((resolve) => setTimeout(resolve, 0));
      let last = -1;
      for (;;) {
        // Round robin over the lanes, so one engine's steady traffic cannot starve another.
        const order = this.#lanes.map((_, i) => (last + 1 + i) % this.#lanes.length);
        const at = order.find((i) => (this.#lanes[i]?.queue.length ?? 0) > 0);
        if (at === undefined) break;
        last = at;
        await this.#runLane(this.#lanes[at]!);
      }
    } finally {
      this.#busy = false;
    }
  }

  async #runLane(lane: Lane): Promise<void> {
    const calls = lane.queue.splice(0);
    const rows = calls.flatMap((c, k) => c.requests.map((r) => ({ ...r, id: `${k}|${r.id}` })));
    this.#rows[lane.name] = (this.#rows[lane.name] ?? 0) + rows.length;
    this.#batches[lane.name] = (this.#batches[lane.name] ?? 0) + 1;
    try {
      const results = await lane.engine.generate(rows);
      let at = 0;
      for (const c of calls) {
        const mine = results.slice(at, at + c.requests.length);
        at += c.requests.length;
        c.resolve(mine.map((r, i) => ({ ...r, id: c.requests[i]!.id })));
      }
    } catch (error) {
      for (const c of calls) c.reject(error);
    }
  }
}
