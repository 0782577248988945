/**
 * Continuous batching over one decoder: rows (requests) wait in a queue, up to `maxBatch`
 * run together, and as rows finish, waiting rows are prefilled and spliced into the running
 * batch without pausing the others. Rows are left-padded in one shared KV cache
 * (see kv_layout.ts); each row has its own position ids and attention mask.
 *
 * The runner only moves tensors; what to sample and when to stop is the row driver's job.
 * Rows with Quiet-STaR `thinking` branch thought rows from the cache before each sample
 * (thinking/thought_batch.ts); their cost is reported per row, not in {@link RunnerStats}
 * beyond the decode time.
 *
 * @module
 */
import type { Decoder, KvTensors } from "./decoder.ts";
import { repackKv, type RowSlice } from "./kv_layout.ts";
import { RowLoop } from "./row_loop.ts";
import type { BoundRow, LoraBinding } from "./lora/lora_binding.ts";
import type { RowThinking } from "./thinking/row_thinking.ts";
import { thinkAndMix, type ThoughtJob } from "./thinking/thought_batch.ts";

/** How a row ended, as the runner sees it. */
export interface RowEnd {
  /** Set when the row failed (model error, abort). */
  readonly error?: Error;
  /** True when the row hit the model's context window. */
  readonly contextFull?: boolean;
}

/** One request as the runner sees it. */
export interface RowDriver {
  /** Prompt token ids (at least one). */
  readonly promptIds: readonly number[];
  /** Aborting ends the row with its reason at the next step. */
  readonly signal?: AbortSignal | undefined;
  /** LoRA adapter id of the row; undefined = the base model. */
  readonly adapter?: string | undefined;
  /** Quiet-STaR state: thoughts branch from the row's cache and mix into its logits. */
  readonly thinking?: RowThinking | undefined;
  /** Choose the next token from this row's logits ([vocab], may be modified in place). */
  next(logits: Float32Array): number;
  /** Record a generated token; true when the row is finished. */
  push(token: number): boolean;
  /** Called exactly once when the row leaves the batch. */
  end(outcome: RowEnd): void;
}

/** Counters for stats and benchmarks. */
export interface RunnerStats {
  prefillTokens: number;
  prefillMs: number;
  decodeSteps: number;
  decodeTokens: number;
  decodeMs: number;
  /** Sum over decode steps of active rows (occupancy = this / (steps * maxBatch)). */
  rowSteps: number;
  rebuilds: number;
}

/** Runner settings. */
export interface RunnerOptions {
  readonly maxBatch: number;
  /** Token id used for padding positions (never attended). */
  readonly padTokenId: number;
  /** LoRA slots of a model with LoRA inputs: rows are admitted so a batch fits the slots. */
  readonly lora?: LoraBinding | undefined;
}

interface Row {
  readonly driver: RowDriver;
  /** LoRA slot (0 = base model). */
  readonly slot: number;
  /** Real tokens in the cache for this row (= position of `pending`). */
  len: number;
  /** Sampled token not yet in the cache. */
  pending: number;
}

/** A prefilled group of rows: their cache and the rows still running with their cache index. */
interface Prefilled {
  readonly kv: KvTensors;
  readonly rows: { row: Row; index: number }[];
}

/** Schedules rows onto a decoder in continuous batches. */
export class BatchRunner {
  readonly #decoder: Decoder;
  readonly #options: RunnerOptions;
  #rows: Row[] = [];
  #kv: KvTensors | undefined;
  readonly #loop: RowLoop<RowDriver>;
  /** Live counters. */
  readonly stats: RunnerStats = {
    prefillTokens: 0,
    prefillMs: 0,
    decodeSteps: 0,
    decodeTokens: 0,
    decodeMs: 0,
    rowSteps: 0,
    rebuilds: 0,
  };

  constructor(decoder: Decoder, options: RunnerOptions) {
    this.#decoder = decoder;
    this.#options = options;
    this.#loop = new RowLoop<RowDriver>({
      active: () => this.#rows.length,
      running: () => this.#rows.map((r) => r.driver),
      drop: (ended) => this.#keepRows(this.#rows.filter((r) => !ended.includes(r.driver))),
      admit: (queue) => this.#rebuild(queue),
      round: () => this.#decodeStep(),
      clear: () => {
        this.#rows = [];
        this.#resetKv();
      },
    }, options.maxBatch);
  }

  /** Rows running now. */
  get active(): number {
    return this.#rows.length;
  }

  /** GPU tensors held (KV cache under WebGPU); 0 when idle. */
  get liveGpuTensors(): number {
    return this.#decoder.liveGpuTensors();
  }

  /** Rows waiting for a place. */
  get waiting(): number {
    return this.#loop.queue.length;
  }

  /** Enqueue a row; the loop starts when idle. */
  submit(driver: RowDriver): void {
    this.#loop.submit(driver);
  }

  /** Resolves when every submitted row has ended. */
  idle(): Promise<void> {
    return this.#loop.idle();
  }

  #resetKv(): void {
    if (this.#kv !== undefined) this.#decoder.disposeKv(this.#kv);
    this.#kv = undefined;
  }

  /** Keep only `keep` (a subsequence of #rows), re-laying the cache to match. */
  async #keepRows(keep: Row[]): Promise<void> {
    const kv = this.#kv;
    if (keep.length === 0 || kv === undefined) {
      this.#rows = [];
      this.#resetKv();
      return;
    }
    const plan: RowSlice[] = [];
    this.#rows.forEach((row, i) => {
      if (keep.includes(row)) {
        plan.push({ source: 0, row: i, start: kv.length - row.len, len: row.len });
      }
    });
    this.#rows = keep;
    this.#kv = await repackKv([kv], plan, this.#decoder.shape);
    this.#decoder.disposeKv(kv);
  }

  /** Prefill rows admitted from `queue` and splice them into the running cache. */
  async #rebuild(queue: RowDriver[]): Promise<void> {
    const room = Math.max(0, this.#options.maxBatch - this.#rows.length);
    const lora = this.#options.lora;
    const running = this.#rows.map((r) => r.driver.adapter);
    const admitted = lora === undefined ? queue.splice(0, room) : lora.take(queue, running, room);
    // Rows waiting for a slot held by running rows stay queued; nothing to re-lay then.
    if (admitted.length === 0) return;
    this.stats.rebuilds++;
    let prefill: Prefilled | undefined;
    try {
      const bound = lora === undefined
        ? admitted.map((driver) => ({ driver, slot: 0 }))
        : await lora.bind(admitted, running);
      prefill = bound.length > 0 ? await this.#prefill(bound) : undefined;
    } catch (err) {
      // Admitted rows left the queue but never reached #rows: end them here (end() is idempotent
      // for rows that already ended inside #prefill).
      const error = err instanceof Error ? err : new Error(String(err));
      for (const d of admitted) d.end({ error });
      throw err;
    }
    const old = this.#kv;
    const sources: KvTensors[] = [];
    const plan: RowSlice[] = [];
    if (old !== undefined) {
      sources.push(old);
      for (const [i, row] of this.#rows.entries()) {
        plan.push({ source: 0, row: i, start: old.length - row.len, len: row.len });
      }
    }
    const rows = [...this.#rows];
    if (prefill !== undefined) {
      const s = sources.length;
      sources.push(prefill.kv);
      for (const { row, index } of prefill.rows) {
        plan.push({ source: s, row: index, start: prefill.kv.length - row.len, len: row.len });
        rows.push(row);
      }
    }
    this.#rows = rows;
    if (rows.length === 0) {
      this.#resetKv();
      if (prefill !== undefined) this.#decoder.disposeKv(prefill.kv);
      return;
    }
    this.#kv = await repackKv(sources, plan, this.#decoder.shape);
    for (const s of sources) this.#decoder.disposeKv(s);
  }

  /** Prefill admitted rows as one left-padded batch and sample each row's first token. */
  async #prefill(
    bound: BoundRow<RowDriver>[],
  ): Promise<{ kv: KvTensors; rows: { row: Row; index: number }[] }> {
    const t0 = performance.now();
    const drivers = bound.map((b) => b.driver);
    const n = drivers.length;
    const P = Math.max(...drivers.map((d) => d.promptIds.length));
    const inputIds = new BigInt64Array(n * P).fill(BigInt(this.#options.padTokenId)); // [n, P]
    const attentionMask = new BigInt64Array(n * P); // [n, P]
    const positionIds = new BigInt64Array(n * P); // [n, P]
    drivers.forEach((d, i) => {
      const pad = P - d.promptIds.length;
      d.promptIds.forEach((tok, j) => {
        inputIds[i * P + pad + j] = BigInt(tok);
        attentionMask[i * P + pad + j] = 1n;
        positionIds[i * P + pad + j] = BigInt(j);
      });
    });
    const out = await this.#decoder.step({
      inputIds,
      attentionMask,
      positionIds,
      batch: n,
      seq: P,
      past: this.#decoder.emptyKv(n),
      lora: this.#options.lora?.feeds(bound.map((b) => b.slot)),
    });
    this.stats.prefillTokens += drivers.reduce((s, d) => s + d.promptIds.length, 0);
    this.stats.prefillMs += performance.now() - t0;
    const V = this.#decoder.vocabSize;
    const at = (i: number) => (i * P + P - 1) * V; // last position of row i
    try {
      await this.#think(
        out.present,
        drivers,
        (i) => out.logits.subarray(at(i), at(i) + V),
        (i) => drivers[i]!.promptIds.length,
      );
    } catch (err) {
      this.#decoder.disposeKv(out.present);
      throw err;
    }
    const rows: { row: Row; index: number }[] = [];
    drivers.forEach((driver, i) => {
      const row: Row = { driver, slot: bound[i]!.slot, len: driver.promptIds.length, pending: -1 };
      if (this.#advance(row, out.logits.subarray(at(i), at(i) + V))) rows.push({ row, index: i });
    });
    return { kv: out.present, rows };
  }

  /** Sample and record one token for a row; false when the row ended. */
  #advance(row: Row, logits: Float32Array): boolean {
    const token = row.driver.next(logits);
    if (row.driver.push(token)) {
      row.driver.end({});
      return false;
    }
    if (row.len >= this.#decoder.config.max_position_embeddings) {
      row.driver.end({ contextFull: true });
      return false;
    }
    row.pending = token;
    return true;
  }

  /** Quiet-STaR: branch thoughts of the thinking rows from `kv` and mix their logits. */
  async #think(
    kv: KvTensors,
    drivers: readonly RowDriver[],
    logits: (i: number) => Float32Array,
    len: (i: number) => number,
  ): Promise<void> {
    const jobs = thoughtJobs(drivers, logits, len);
    if (jobs.length > 0) await thinkAndMix(this.#decoder, kv, jobs);
  }

  async #decodeStep(): Promise<void> {
    const kv = this.#kv;
    if (kv === undefined) throw new Error("BatchRunner: no cache for a decode step");
    const t0 = performance.now();
    const B = this.#rows.length;
    const T = kv.length;
    const inputIds = new BigInt64Array(B); // [B, 1]
    const positionIds = new BigInt64Array(B); // [B, 1]
    const attentionMask = new BigInt64Array(B * (T + 1)); // [B, T + 1]
    this.#rows.forEach((row, i) => {
      inputIds[i] = BigInt(row.pending);
      positionIds[i] = BigInt(row.len);
      attentionMask.fill(1n, i * (T + 1) + T - row.len, (i + 1) * (T + 1));
    });
    const out = await this.#decoder.step({
      inputIds,
      attentionMask,
      positionIds,
      batch: B,
      seq: 1,
      past: kv,
      lora: this.#options.lora?.feeds(this.#rows.map((r) => r.slot)),
    });
    this.#decoder.disposeKv(kv);
    this.#kv = out.present;
    this.stats.decodeSteps++;
    this.stats.rowSteps += B;
    this.stats.decodeTokens += B;
    const V = this.#decoder.vocabSize;
    for (const row of this.#rows) row.len++;
    await this.#think(
      out.present,
      this.#rows.map((r) => r.driver),
      (i) => out.logits.subarray(i * V, (i + 1) * V),
      (i) => this.#rows[i]!.len,
    );
    const keep: Row[] = [];
    this.#rows.forEach((row, i) => {
      if (this.#advance(row, out.logits.subarray(i * V, (i + 1) * V))) keep.push(row);
    });
    if (keep.length < B) await this.#keepRows(keep);
    this.stats.decodeMs += performance.now() - t0;
  }
}

/** Thought jobs of the thinking rows among `drivers` (thoughts report their cost per row). */
function thoughtJobs(
  drivers: readonly RowDriver[],
  logits: (i: number) => Float32Array,
  len: (i: number) => number,
): ThoughtJob[] {
  const jobs: ThoughtJob[] = [];
  drivers.forEach((d, i) => {
    if (d.thinking !== undefined) {
      jobs.push({ thinking: d.thinking, row: i, len: len(i), logits: logits(i) });
    }
  });
  return jobs;
}
