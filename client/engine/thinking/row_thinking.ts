/**
 * The thinking state of one generation row: its options, its own thought RNG stream (so
 * thoughts never shift the row's sampling draws), the plan of each emitted position, and the
 * counters behind {@link ThinkingStats}.
 *
 * @module
 */
import type { Rng } from "../sampling/rng.ts";
import { entropyOf, planStep, type StepPlan } from "./mixture.ts";
import type { ThinkingOptions } from "./options.ts";
import type { ThinkingStats, ThinkingTraceStep } from "./stats.ts";

/** Quiet-STaR state of one row (see the module doc). */
export class RowThinking {
  readonly options: ThinkingOptions;
  /** Draws thought tokens; a stream separate from the row's sampler. */
  readonly rng: Rng;
  readonly #vocab: number;
  readonly #contextLength: number;
  readonly #trace: ThinkingTraceStep[] = [];
  #steps = 0;
  #thinkingSteps = 0;
  #thoughtTokens = 0;
  #thoughtPasses = 0;
  #thoughtRowSteps = 0;
  #thoughtMs = 0;
  #sumW = 0;

  constructor(options: ThinkingOptions, rng: Rng, vocab: number, contextLength: number) {
    this.options = options;
    this.rng = rng;
    this.#vocab = vocab;
    this.#contextLength = contextLength;
  }

  /** Token ids thoughts may not sample (the markers). */
  get markers(): readonly number[] {
    return [this.options.startId, this.options.endId];
  }

  /**
   * Plan the next emitted position from its base logits ([vocab]) for a row holding `len`
   * tokens; a thought that would not fit the context window is skipped.
   */
  plan(logits: Float32Array, len: number): StepPlan {
    const h = entropyOf(logits);
    const fits = len + this.options.t + 2 <= this.#contextLength;
    const p = fits ? planStep(this.options, h, this.#vocab) : { think: false, w: 0 };
    const plan = p.think ? p : { think: false, w: 0 };
    if (!Number.isNaN(plan.w)) this.#sumW += plan.w;
    if (this.options.trace) {
      this.#trace.push({
        index: this.#steps,
        entropy: h,
        w: plan.w,
        thought: plan.think,
        thoughts: [],
      });
    }
    this.#steps++;
    return plan;
  }

  /**
   * Record the thoughts run for the position planned last; `headW` is the mean w the mixing
   * head gave (w: "head" only), which replaces the plan's placeholder.
   */
  recordThoughts(
    thoughts: readonly (readonly number[])[],
    passes: number,
    ms: number,
    headW?: number,
  ): void {
    if (headW !== undefined) {
      this.#sumW += headW;
      const step = this.#trace[this.#trace.length - 1];
      if (step !== undefined) step.w = headW;
    }
    this.#thinkingSteps++;
    this.#thoughtTokens += thoughts.reduce((s, th) => s + th.length, 0);
    this.#thoughtPasses += passes;
    this.#thoughtRowSteps += thoughts.length * passes;
    this.#thoughtMs += ms;
    const last = this.#trace[this.#trace.length - 1];
    if (last !== undefined) last.thoughts = thoughts.map((th) => [...th]);
  }

  /** Stats of the row after `emitted` output tokens. */
  stats(emitted: number): ThinkingStats {
    const per = (x: number) => (emitted > 0 ? x / emitted : 0);
    const forward = emitted + this.#thoughtPasses;
    return {
      k: this.options.k,
      t: this.options.t,
      w_source: this.options.w.kind,
      w_label: this.options.w.kind === "head" ? "trained" : "untrained",
      emitted_tokens: emitted,
      thinking_steps: this.#thinkingSteps,
      thought_tokens: this.#thoughtTokens,
      forward_passes: forward,
      thought_row_steps: this.#thoughtRowSteps,
      thought_ms: this.#thoughtMs,
      mean_w: this.#steps > 0 ? this.#sumW / this.#steps : 0,
      per_token: {
        thought_tokens: per(this.#thoughtTokens),
        forward_passes: per(forward),
        thought_ms: per(this.#thoughtMs),
      },
      ...(this.options.trace ? { trace: this.#trace } : {}),
    };
  }
}
