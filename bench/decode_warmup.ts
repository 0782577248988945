/**
 * Warming a freshly loaded engine or page up before anything is timed. onnxruntime-web's wasm
 * starts in V8's baseline tier; optimized code replaces it only after seconds of work, in
 * steps, and later on a busy machine (measured here: 10 to 60 s with other jobs on 2 cores, for a
 * 5 to 10× speed-up). The warm-up therefore runs short generations (`tokens` per row) cycling
 * through the batch sizes until the rates stop improving: at least `minMs`, then until no batch
 * size's rate (the median of its last 3 runs, which one lucky run on a noisy machine does not
 * move) got more than 10% better for `patienceMs` and for 3 cycles, at most `maxMs`.
 *
 * @module
 */
import { z } from "zod";
import type { BatchTimer, TimedOutcome } from "./decode_measure.ts";

/** When a warm-up stops. */
export const WarmupPlan = z.object({
  /** Tokens per row of each warm-up run (short runs give the plateau test more samples). */
  tokens: z.number().int().min(1),
  minMs: z.number().min(0),
  /** Stop once no batch size's smoothed rate improved by 10% for this long and 3 cycles (after minMs). */
  patienceMs: z.number().min(0),
  maxMs: z.number().min(0),
});
/** When a warm-up stops. */
export type WarmupPlan = z.infer<typeof WarmupPlan>;

/** How a warm-up went. */
export interface WarmupReport {
  readonly runs: number;
  readonly ms: number;
  /** Generated tokens/s of the first run. */
  readonly firstTokensPerS: number;
  /** Best smoothed (median of 3 runs) generated tokens/s per batch size. */
  readonly best: Readonly<Record<number, number>>;
  /** True when it stopped at maxMs while rates were still improving. */
  readonly capped: boolean;
}

/** An improvement smaller than this factor does not reset the patience clock. */
const IMPROVEMENT = 1.1;
/** Runs per batch size whose median is the smoothed rate. */
const WINDOW = 3;

function medianOf(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1] ?? 0;
}

/**
 * Warm up (see the module docs); always at least one run.
 *
 * @example
 * ```ts
 * const report = await warmUp((b) => timed(verityBatchRun(engine, b)), [1, 4, 8], {
 *   tokens: 16, minMs: 20_000, patienceMs: 10_000, maxMs: 60_000,
 * });
 * ```
 */
export async function warmUp(
  timerFor: (batch: number) => BatchTimer,
  batches: readonly number[],
  plan: WarmupPlan,
  now: () => number = () => performance.now(),
): Promise<WarmupReport> {
  const t0 = now();
  const rate = (o: TimedOutcome) => o.ms > 0 ? o.newTokens / (o.ms / 1000) : 0;
  const best: Record<number, number> = {};
  const recent = new Map<number, number[]>();
  let lastGain = t0;
  let lastGainRun = 0;
  let runs = 0;
  let first = 0;
  for (;;) {
    const batch = batches[runs % batches.length] ?? 1;
    const r = rate(await timerFor(batch)(plan.tokens));
    if (runs === 0) first = r;
    runs++;
    const t = now();
    const window = [...(recent.get(batch) ?? []), r].slice(-WINDOW);
    recent.set(batch, window);
    const smoothed = medianOf(window);
    if (!(batch in best) || smoothed > (best[batch] ?? 0) * IMPROVEMENT) {
      lastGain = t;
      lastGainRun = runs;
    }
    best[batch] = Math.max(best[batch] ?? 0, smoothed);
    const elapsed = t - t0;
    if (elapsed >= plan.maxMs) {
      return {
        runs,
        ms: elapsed,
        firstTokensPerS: first,
        best,
        capped: t - lastGain < plan.patienceMs,
      };
    }
    const quiet = t - lastGain >= plan.patienceMs && runs - lastGainRun >= 3 * batches.length;
    if (elapsed >= plan.minMs && quiet) {
      return { runs, ms: elapsed, firstTokensPerS: first, best, capped: false };
    }
  }
}

/** One progress line for a warm-up (stderr). */
export function describeWarmup(w: WarmupReport): string {
  const best = Object.entries(w.best).map(([b, r]) => `b${b} ${r.toFixed(0)}`).join(", ");
  return `warm-up ${w.runs} runs in ${(w.ms / 1000).toFixed(1)} s${
    w.capped ? " (capped, still improving)" : ""
  }: first ${w.firstTokensPerS.toFixed(0)} tok/s, best ${best} tok/s`;
}
