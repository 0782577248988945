/**
 * The measurement method of the decode benchmark, shared by the Deno runner and the browser
 * page (no Deno APIs here): one configuration (library, runtime, EP, batch) is timed as the
 * median wall time of a batch generating 1 token (prefill: the prompt forward pass plus the
 * first token) and of the same batch generating N tokens (total). Then
 *
 * - prefill_tokens_per_s = prompt tokens of the batch / prefill time
 * - decode_tokens_per_s  = (generated tokens − batch) / (total time − prefill time)
 * - total_tokens_per_s   = generated tokens / total time (end to end, prefill included)
 *
 * where generated tokens are the tokens each library actually produced (summed over rows).
 * Nothing is timed cold: each freshly loaded engine or page is first warmed up (decode_warmup.ts;
 * V8 tiers onnxruntime's wasm up only after seconds of work), and each configuration runs once
 * untimed.
 *
 * @module
 */
import { z } from "zod";

/** Which library produced a row. */
export const DecodeLibrary = z.enum(["verity", "transformers.js"]);
/** Which library produced a row. */
export type DecodeLibrary = z.infer<typeof DecodeLibrary>;

/** Where a row ran. */
export const DecodeRuntime = z.enum(["deno", "chromium"]);
/** Where a row ran. */
export type DecodeRuntime = z.infer<typeof DecodeRuntime>;

/** onnxruntime-web execution provider of a row. */
export const DecodeEp = z.enum(["wasm", "webgpu"]);
/** onnxruntime-web execution provider of a row. */
export type DecodeEp = z.infer<typeof DecodeEp>;

/** One result row of bench/results/decode.json. */
export const DecodeRow = z.object({
  library: DecodeLibrary,
  runtime: DecodeRuntime,
  ep: DecodeEp,
  batch: z.number().int().positive(),
  /** Real (unpadded) prompt tokens of the whole batch. */
  prompt_tokens: z.number().int().nonnegative(),
  /** Tokens generated in the N-token run, summed over rows. */
  new_tokens: z.number().int().nonnegative(),
  prefill_tokens_per_s: z.number(),
  decode_tokens_per_s: z.number(),
  total_tokens_per_s: z.number(),
  /** Median wall time of the 1-token run (ms). */
  prefill_ms: z.number(),
  /** Median wall time of the N-token run (ms). */
  total_ms: z.number(),
  /** Timed repetitions (after one warm-up). */
  reps: z.number().int().positive(),
});
/** One result row of bench/results/decode.json. */
export type DecodeRow = z.infer<typeof DecodeRow>;

/** What one timed generation of a batch reports. */
export interface BatchOutcome {
  /** Real prompt tokens of the batch. */
  readonly promptTokens: number;
  /** Tokens actually generated, summed over rows. */
  readonly newTokens: number;
}

/** Generate up to `maxTokens` tokens for every row of a fixed batch. */
export type BatchRun = (maxTokens: number) => Promise<BatchOutcome>;

/** Median wall times and token counts of one configuration. */
export interface Timing {
  readonly batch: number;
  readonly promptTokens: number;
  readonly newTokens: number;
  /** ms of the 1-token run. */
  readonly prefillMs: number;
  /** ms of the N-token run. */
  readonly totalMs: number;
  readonly reps: number;
}

/** The three rates of a row. */
export interface Rates {
  readonly prefill_tokens_per_s: number;
  readonly decode_tokens_per_s: number;
  readonly total_tokens_per_s: number;
}

/** Raised when timings cannot give a rate (no decode time, no tokens). */
export class MeasurementError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MeasurementError";
  }
}

/**
 * The median of a non-empty list (mean of the two middle values for even lengths).
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) {
    throw new MeasurementError("Cannot take the median as the list of timings is empty");
  }
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Rates from timings (see the module docs for the formulas).
 *
 * @example
 * ```ts
 * rates({ batch: 1, promptTokens: 10, newTokens: 65, prefillMs: 10, totalMs: 650, reps: 3 });
 * // { prefill_tokens_per_s: 1000, decode_tokens_per_s: 100, total_tokens_per_s: 100 }
 * ```
 */
export function rates(t: Timing): Rates {
  const decodeMs = t.totalMs - t.prefillMs;
  if (!(decodeMs > 0) || !(t.prefillMs > 0)) {
    throw new MeasurementError(
      `Cannot compute rates as total time ${t.totalMs} ms must exceed prefill time ${t.prefillMs} ms > 0`,
    );
  }
  if (t.newTokens < t.batch) {
    throw new MeasurementError(
      `Cannot compute rates as ${t.newTokens} generated tokens are fewer than the batch of ${t.batch}`,
    );
  }
  return {
    prefill_tokens_per_s: t.promptTokens / (t.prefillMs / 1000),
    decode_tokens_per_s: (t.newTokens - t.batch) / (decodeMs / 1000),
    total_tokens_per_s: t.newTokens / (t.totalMs / 1000),
  };
}

/** One timed generation: wall time (ms) and token counts. */
export interface TimedOutcome extends BatchOutcome {
  readonly ms: number;
}

/** Generate up to `maxTokens` tokens for every row of a fixed batch and time it. */
export type BatchTimer = (maxTokens: number) => Promise<TimedOutcome>;

/**
 * Time a {@link BatchRun} with a clock in ms (injectable for tests).
 *
 * @example
 * ```ts
 * const { ms, newTokens } = await timed(run)(64);
 * ```
 */
export function timed(run: BatchRun, now: () => number = () => performance.now()): BatchTimer {
  return async (maxTokens) => {
    const t0 = now();
    const out = await run(maxTokens);
    return { ...out, ms: now() - t0 };
  };
}

/** Plan of a measurement. */
export interface MeasurePlan {
  /** N: tokens per row of the total run. */
  readonly newTokens: number;
  /** Timed repetitions of each run. */
  readonly reps: number;
  /** Called after each round (progress). */
  readonly onRound?: (round: number) => void;
}

/** One configuration being measured: its identity, batch size and timer. */
export interface Contender {
  readonly id: ConfigId;
  readonly batch: number;
  readonly timer: BatchTimer;
}

/**
 * Time several configurations interleaved, so that a change of machine load (or a late JIT
 * tier-up) affects them alike: each is warmed up once (one untimed 1-token and one N-token
 * run), then come `reps` rounds in which every configuration runs its 1-token and its N-token
 * batch, the first to go rotating by round. Rows use the medians.
 *
 * @example
 * ```ts
 * const [row] = await measureInterleaved([{ id, batch: 1, timer: timed(run) }], {
 *   newTokens: 64,
 *   reps: 5,
 * });
 * ```
 */
export async function measureInterleaved(
  contenders: readonly Contender[],
  plan: MeasurePlan,
): Promise<DecodeRow[]> {
  for (const c of contenders) {
    await c.timer(1);
    await c.timer(plan.newTokens);
  }
  const samples = contenders.map(() => ({
    prefill: [] as number[],
    total: [] as number[],
    generated: [] as number[],
    promptTokens: 0,
  }));
  for (let r = 0; r < plan.reps; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (k + r) % contenders.length;
      const c = contenders[i]!;
      const s = samples[i]!;
      s.prefill.push((await c.timer(1)).ms);
      const out = await c.timer(plan.newTokens);
      s.total.push(out.ms);
      s.generated.push(out.newTokens);
      s.promptTokens = out.promptTokens;
    }
    plan.onRound?.(r + 1);
  }
  return contenders.map((c, i) => {
    const s = samples[i]!;
    return toRow(c.id, {
      batch: c.batch,
      promptTokens: s.promptTokens,
      newTokens: Math.round(median(s.generated)),
      prefillMs: median(s.prefill),
      totalMs: median(s.total),
      reps: plan.reps,
    });
  });
}

/** Identity of a configuration. */
export interface ConfigId {
  readonly library: DecodeLibrary;
  readonly runtime: DecodeRuntime;
  readonly ep: DecodeEp;
}

/** Build a result row from a configuration's identity and its timing. */
export function toRow(id: ConfigId, t: Timing): DecodeRow {
  return {
    ...id,
    batch: t.batch,
    prompt_tokens: t.promptTokens,
    new_tokens: t.newTokens,
    ...rates(t),
    prefill_ms: t.prefillMs,
    total_ms: t.totalMs,
    reps: t.reps,
  };
}

/**
 * Tokens a row of a left-padded `generate()` output actually produced: the ids after the
 * (padded) prompt up to and including the first end-of-sequence id (later ids are padding
 * added while other rows kept going).
 *
 * @example
 * ```ts
 * countGenerated([0, 5, 6, 7, 2, 0], 2, [2]); // 3
 * ```
 */
export function countGenerated(
  sequence: readonly number[],
  paddedPromptLength: number,
  eosTokenIds: readonly number[],
): number {
  const tail = sequence.slice(paddedPromptLength);
  const end = tail.findIndex((t) => eosTokenIds.includes(t));
  return end < 0 ? tail.length : end + 1;
}

/** One progress line for a row (stderr). */
export function describeRow(row: DecodeRow): string {
  return `${row.runtime} ${row.library} ${row.ep} b${row.batch}: decode ${
    row.decode_tokens_per_s.toFixed(1)
  } tok/s, prefill ${row.prefill_tokens_per_s.toFixed(0)} tok/s, total ${
    row.total_tokens_per_s.toFixed(1)
  } tok/s`;
}
