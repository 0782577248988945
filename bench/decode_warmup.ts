/**
 * Warming a freshly loaded engine or page up before anything is timed. onnxruntime-web's wasm
 * starts in V8's baseline tier; optimized code replaces it only after seconds of work, in
 * steps, and later on a busy machine (measured here: 10 to 60 s with other jobs on 2 cores, for a
 * 5 to 10× speed-up). The warm-up therefore runs short generations (`tokens` per row) cycling
 * through the batch sizes until the rates stop improving: at least `minMs`, then until no batch
 * size's rate (the median of its last 3 runs, which one lucky run on a noisy machine does not
 * move) got more than 10% better for `patienceMs` and for 3 cycles, at most `maxMs`. Lanes
 * compared with each other warm up together (see {@link warmUp}).
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

/** The plateau tracking of one lane (engine or page) during a warm-up. */
class Lane {
  readonly best: Record<number, number> = {};
  readonly #recent = new Map<number, number[]>();
  runs = 0;
  first = 0;
  lastGain: number;
  lastGainRun = 0;

  constructor(t0: number) {
    this.lastGain = t0;
  }

  /** Record one run's rate at time `t`. */
  record(batch: number, rate: number, t: number): void {
    if (this.runs === 0) this.first = rate;
    this.runs++;
    const window = [...(this.#recent.get(batch) ?? []), rate].slice(-WINDOW);
    this.#recent.set(batch, window);
    const smoothed = medianOf(window);
    if (!(batch in this.best) || smoothed > (this.best[batch] ?? 0) * IMPROVEMENT) {
      this.lastGain = t;
      this.lastGainRun = this.runs;
    }
    this.best[batch] = Math.max(this.best[batch] ?? 0, smoothed);
  }

  /** No gain for `patienceMs` and for 3 cycles of the batch sizes. */
  quiet(t: number, plan: WarmupPlan, cycle: number): boolean {
    return t - this.lastGain >= plan.patienceMs && this.runs - this.lastGainRun >= 3 * cycle;
  }
}

/**
 * Warm up one or more lanes (engines or pages) together, one run each in turn, so none sits idle
 * between its warm-up and the measurement (a Chromium page left idle for tens of seconds after
 * warming up runs markedly slower afterwards, measured here). Stops when every lane is quiet
 * (see the module docs) or at `maxMs`; always at least one run a lane.
 *
 * @example
 * ```ts
 * const [report] = await warmUp([(b) => timed(verityBatchRun(engine, b))], [1, 4, 8], {
 *   tokens: 16, minMs: 20_000, patienceMs: 10_000, maxMs: 60_000,
 * });
 * ```
 */
export async function warmUp(
  lanes: readonly ((batch: number) => BatchTimer)[],
  batches: readonly number[],
  plan: WarmupPlan,
  now: () => number = () => performance.now(),
): Promise<WarmupReport[]> {
  const t0 = now();
  const rate = (o: TimedOutcome) => o.ms > 0 ? o.newTokens / (o.ms / 1000) : 0;
  const state = lanes.map(() => new Lane(t0));
  const report = (capped: (l: Lane) => boolean, t: number) =>
    state.map((l) => ({
      runs: l.runs,
      ms: t - t0,
      firstTokensPerS: l.first,
      best: l.best,
      capped: capped(l),
    }));
  for (let cycle = 0;; cycle++) {
    const batch = batches[cycle % batches.length] ?? 1;
    for (const [i, timerFor] of lanes.entries()) {
      const out = await timerFor(batch)(plan.tokens);
      state[i]!.record(batch, rate(out), now());
    }
    const t = now();
    if (t - t0 >= plan.maxMs) return report((l) => t - l.lastGain < plan.patienceMs, t);
    if (t - t0 >= plan.minMs && state.every((l) => l.quiet(t, plan, batches.length))) {
      return report(() => false, t);
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
