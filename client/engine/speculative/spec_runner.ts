/**
 * Continuous batching with speculative decoding over a target and a draft decoder that share
 * a tokenizer: rows wait in a queue, up to `maxBatch` run together in rounds (round.ts), and
 * finished rows are replaced by waiting ones without pausing the others. Both caches are
 * {@link KvBatch}es with the same row order; a rolled-back proposal becomes a hole, and the
 * caches are compacted when rows join or leave and when holes pile up.
 *
 * @module
 */
import type { RunnerStats } from "../batch_runner.ts";
import type { Decoder } from "../decoder.ts";
import { type GatherPart, KvBatch } from "../kv_batch.ts";
import { RowLoop } from "../row_loop.ts";
import { CostModel } from "./cost_model.ts";
import { RoundScratch, type RoundStats, runRound } from "./round.ts";
import { SpecRow, type SpecRowDriver } from "./spec_row.ts";
import type { StepLora } from "../decoder.ts";
import type { LoraBinding } from "../lora/lora_binding.ts";

/** A prefilled batch: its cache and logits ([n, seq, vocab]). */
interface Prefilled {
  readonly kv: KvBatch;
  readonly logits: Float32Array;
  readonly seq: number;
}

/** Counters of the speculative runner (the plain runner's, plus draft and verification counts). */
export interface SpecRunnerStats extends RunnerStats, RoundStats {
  /** Compactions of a cache because holes and padding passed the threshold. */
  compactions: number;
}

/** Runner settings. */
export interface SpecRunnerOptions {
  readonly maxBatch: number;
  /** Token id fed at padding positions (never attended). */
  readonly padTokenId: number;
  /** LoRA slots of a target with LoRA inputs (rows are admitted so a batch fits the slots). */
  readonly lora?: LoraBinding | undefined;
}

/** Schedules rows onto a target and a draft decoder in speculative continuous batches. */
export class SpeculativeRunner {
  readonly #target: Decoder;
  readonly #draft: Decoder;
  readonly #options: SpecRunnerOptions;
  #rows: SpecRow[] = [];
  #targetKv: KvBatch | undefined;
  #draftKv: KvBatch | undefined;
  readonly #loop: RowLoop<SpecRowDriver>;
  readonly #scratch = new RoundScratch();
  /** Engine-wide measured costs (c and the verify-pass cost), smoothed over rounds. */
  readonly cost: CostModel = new CostModel();
  /** Live counters. */
  readonly stats: SpecRunnerStats = {
    prefillTokens: 0,
    prefillMs: 0,
    decodeSteps: 0,
    decodeTokens: 0,
    decodeMs: 0,
    rowSteps: 0,
    rebuilds: 0,
    draftSteps: 0,
    draftMs: 0,
    targetMs: 0,
    proposed: 0,
    accepted: 0,
    rejections: 0,
    compactions: 0,
  };

  constructor(target: Decoder, draft: Decoder, options: SpecRunnerOptions) {
    this.#target = target;
    this.#draft = draft;
    this.#options = options;
    this.#loop = new RowLoop<SpecRowDriver>({
      active: () => this.#rows.length,
      running: () => this.#rows.map((r) => r.driver),
      drop: (ended) => this.#keep(this.#rows.filter((r) => !ended.includes(r.driver))),
      admit: (queue) => this.#admit(queue),
      round: () => this.#round(),
      clear: () => {
        this.#rows = [];
        this.#reset();
      },
    }, options.maxBatch);
  }

  /** Rows running now. */
  get active(): number {
    return this.#rows.length;
  }

  /** Rows waiting for a place. */
  get waiting(): number {
    return this.#loop.queue.length;
  }

  /** GPU tensors held by both caches (0 under wasm and when idle). */
  get liveGpuTensors(): number {
    return this.#target.liveGpuTensors() + this.#draft.liveGpuTensors();
  }

  /** Enqueue a row; the loop starts when idle. */
  submit(driver: SpecRowDriver): void {
    this.#loop.submit(driver);
  }

  /** Resolves when every submitted row has ended. */
  idle(): Promise<void> {
    return this.#loop.idle();
  }

  #reset(): void {
    this.#targetKv?.dispose();
    this.#draftKv?.dispose();
    this.#targetKv = undefined;
    this.#draftKv = undefined;
  }

  async #round(): Promise<void> {
    const t0 = performance.now();
    await this.#compactIfNeeded();
    const { finished } = await runRound({
      target: this.#target,
      draft: this.#draft,
      padTokenId: this.#options.padTokenId,
      rows: this.#rows,
      targetKv: this.#targetKv!,
      draftKv: this.#draftKv!,
      cost: this.cost,
      stats: this.stats,
      scratch: this.#scratch,
      targetLora: this.#options.lora?.feeds(this.#rows.map((r) => r.slot)),
    });
    if (finished.length > 0) await this.#keep(this.#rows.filter((r) => !finished.includes(r)));
    this.stats.decodeMs += performance.now() - t0;
  }

  async #compactIfNeeded(): Promise<void> {
    const all = (kv: KvBatch): GatherPart[] => this.#rows.map((_, row) => ({ batch: kv, row }));
    for (const which of ["target", "draft"] as const) {
      const kv = which === "target" ? this.#targetKv! : this.#draftKv!;
      if (!kv.shouldCompact()) continue;
      const next = await KvBatch.gather(which === "target" ? this.#target : this.#draft, all(kv));
      kv.dispose();
      if (which === "target") this.#targetKv = next;
      else this.#draftKv = next;
      this.stats.compactions++;
    }
  }

  /** Keep only `keep` (a subsequence of the rows), compacting both caches to match. */
  async #keep(keep: SpecRow[]): Promise<void> {
    const t = this.#targetKv, d = this.#draftKv;
    const index = keep.map((r) => this.#rows.indexOf(r));
    this.#rows = keep;
    if (keep.length === 0 || t === undefined || d === undefined) {
      this.#reset();
      return;
    }
    const nextT = await KvBatch.gather(this.#target, index.map((row) => ({ batch: t, row })));
    const nextD = await KvBatch.gather(this.#draft, index.map((row) => ({ batch: d, row })));
    t.dispose();
    d.dispose();
    this.#targetKv = nextT;
    this.#draftKv = nextD;
  }

  /** Prefill rows from `queue` (target, and draft for rows that speculate) and splice them in. */
  async #admit(queue: SpecRowDriver[]): Promise<void> {
    const room = Math.max(0, this.#options.maxBatch - this.#rows.length);
    const lora = this.#options.lora;
    const running = this.#rows.map((r) => r.driver.adapter);
    const admitted = lora === undefined ? queue.splice(0, room) : lora.take(queue, running, room);
    // Rows waiting for a slot held by running rows stay queued.
    if (admitted.length === 0) return;
    this.stats.rebuilds++;
    const t0 = performance.now();
    let drivers: SpecRowDriver[] = admitted;
    let slots: number[] = admitted.map(() => 0);
    if (lora !== undefined) {
      try {
        const bound = await lora.bind(admitted, running);
        drivers = bound.map((b) => b.driver);
        slots = bound.map((b) => b.slot);
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        for (const d of admitted) d.end({ error });
        throw err;
      }
      if (drivers.length === 0) return;
    }
    const maxT = this.#target.config.max_position_embeddings;
    const maxD = this.#draft.config.max_position_embeddings;
    const V = this.#target.vocabSize;
    const endedEarly = new Set<SpecRowDriver>();
    const fresh: { row: SpecRow; index: number }[] = [];
    let target: Prefilled | undefined, draft: Prefilled | undefined;
    let next: { targetKv: KvBatch; draftKv: KvBatch } | undefined;
    try {
      target = await this.#prefill(
        this.#target,
        drivers.map((d) => d.promptIds),
        lora?.feeds(slots),
      );
      const seq = target.seq;
      drivers.forEach((driver, i) => {
        const at = (i * seq + seq - 1) * V; // last prompt position of row i
        const token = driver.next(target!.logits.subarray(at, at + V));
        const end = driver.push(token)
          ? {}
          : driver.promptIds.length >= maxT
          ? { contextFull: true }
          : undefined;
        if (end !== undefined) {
          endedEarly.add(driver);
          return driver.end(end);
        }
        const row = new SpecRow(driver);
        row.slot = slots[i]!;
        row.pendingTarget = token;
        row.pendingDraft = [token];
        // A prompt the draft cannot hold leaves the row plain.
        if (driver.promptIds.length >= maxD) row.usesDraft = false;
        fresh.push({ row, index: i });
      });
      const drafted = fresh.filter((f) => f.row.usesDraft);
      if (drafted.length > 0) {
        draft = await this.#prefill(this.#draft, drafted.map((f) => f.row.driver.promptIds));
      }
      this.stats.prefillTokens += drivers.reduce((s, d) => s + d.promptIds.length, 0) +
        drafted.reduce((s, f) => s + f.row.driver.promptIds.length, 0);
      const oldT = this.#targetKv ?? null, oldD = this.#draftKv ?? null;
      const old = this.#rows.map((_, row) => row);
      if (old.length + fresh.length > 0) {
        next = {
          targetKv: await KvBatch.gather(this.#target, [
            ...old.map((row) => ({ batch: oldT, row })),
            ...fresh.map((f) => ({ batch: target!.kv, row: f.index })),
          ]),
          draftKv: await KvBatch.gather(this.#draft, [
            ...old.map((row) => ({ batch: oldD, row })),
            ...fresh.map((f) => {
              const k = drafted.indexOf(f);
              return { batch: k >= 0 ? draft!.kv : null, row: Math.max(0, k) };
            }),
          ]),
        };
      }
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      for (const d of drivers) if (!endedEarly.has(d)) d.end({ error });
      throw err;
    } finally {
      target?.kv.dispose();
      draft?.kv.dispose();
      this.stats.prefillMs += performance.now() - t0;
    }
    this.#targetKv?.dispose();
    this.#draftKv?.dispose();
    this.#targetKv = next?.targetKv;
    this.#draftKv = next?.draftKv;
    this.#rows = [...this.#rows, ...fresh.map((f) => f.row)];
  }

  /** One left-padded prefill; returns the cache as a KvBatch and the logits [n, P, vocab]. */
  async #prefill(
    decoder: Decoder,
    prompts: readonly (readonly number[])[],
    lora?: StepLora,
  ): Promise<Prefilled> {
    const n = prompts.length;
    const P = Math.max(...prompts.map((p) => p.length));
    const inputIds = new BigInt64Array(n * P).fill(BigInt(this.#options.padTokenId)); // [n, P]
    const attentionMask = new BigInt64Array(n * P); // [n, P]
    const positionIds = new BigInt64Array(n * P); // [n, P]
    prompts.forEach((ids, i) => {
      const pad = P - ids.length;
      ids.forEach((tok, j) => {
        inputIds[i * P + pad + j] = BigInt(tok);
        attentionMask[i * P + pad + j] = 1n;
        positionIds[i * P + pad + j] = BigInt(j);
      });
    });
    const out = await decoder.step({
      inputIds,
      attentionMask,
      positionIds,
      batch: n,
      seq: P,
      past: decoder.emptyKv(n),
      lora,
    });
    const kv = KvBatch.fromLeftPadded(decoder, out.present, prompts.map((p) => p.length));
    return { kv, logits: out.logits, seq: P };
  }
}
