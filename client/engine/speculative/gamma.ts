/**
 * Choosing gamma (draft tokens per round) per row: the expected-speedup formula of Leviathan
 * et al., a smoothed per-row acceptance estimate, and the three schedules (fixed, optimal,
 * Hugging Face's heuristic). The measured costs live in cost_model.ts.
 *
 * @module
 */
import type { CostModel } from "./cost_model.ts";
import type { SpeculativeOptions } from "./options.ts";

/**
 * Expected tokens per target pass, 1 + a + ... + a^g = (1 - a^(g+1)) / (1 - a), for a row
 * proposing g tokens that each pass with probability a (i.i.d. approximation).
 */
export function expectedTokens(alpha: number, gamma: number): number {
  let sum = 0, term = 1;
  for (let i = 0; i <= gamma; i++) {
    sum += term;
    term *= alpha;
  }
  return sum;
}

/**
 * Expected walltime speedup over target-only decoding,
 * (1 - a^(g+1)) / ((1 - a)(g c + r)), with c = draft step time / target step time and
 * r = (target pass over g + 1 tokens) / (target step over 1 token). Leviathan et al. take
 * r = 1 (a memory-bound accelerator verifies g + 1 tokens for the price of one); on wasm and
 * small models the pass grows with its width, and {@link CostModel} measures r.
 *
 * @example
 * ```ts
 * expectedSpeedup(0.8, 4, 0.1); // ≈ 2.40
 * ```
 */
export function expectedSpeedup(alpha: number, gamma: number, c: number, r = 1): number {
  return expectedTokens(alpha, gamma) / (gamma * c + r);
}

/**
 * The g in [0, maxGamma] of largest {@link expectedSpeedup} (the smaller on ties), with the
 * verify-pass cost `r(g + 1)` (1 by default). It is 0 whenever alpha <= c and r >= 1, since
 * then 1 + a + ... + a^g <= 1 + g c.
 */
export function optimalGamma(
  alpha: number,
  c: number,
  maxGamma: number,
  r: (width: number) => number = () => 1,
): number {
  let best = 0, bestValue = 1;
  for (let g = 1; g <= maxGamma; g++) {
    const v = expectedSpeedup(alpha, g, c, Math.max(1, r(g + 1)));
    if (v > bestValue * (1 + 1e-9)) {
      best = g;
      bestValue = v;
    }
  }
  return best;
}

/** Prior acceptance rate of a fresh row (optimistic, so a new row tries the draft). */
export const ALPHA_PRIOR = 0.6;
/** Weight of the prior, in proposals. */
export const ALPHA_PRIOR_WEIGHT = 2;
/** Per-round decay of past observations (an effective window of ~10 rounds). */
export const ALPHA_DECAY = 0.9;

/**
 * A row's acceptance rate: each examined proposal is a Bernoulli(a) trial (a round accepting
 * k of g examined k + [k < g] proposals), counted with exponential decay. The prior enters as
 * pseudo-counts that decay like any observation, so the estimate follows the row's own rate.
 */
export class AcceptanceEstimate {
  #accepted = ALPHA_PRIOR * ALPHA_PRIOR_WEIGHT;
  #examined = ALPHA_PRIOR_WEIGHT;

  /** Record a round that proposed `gamma` and accepted `accepted` (no-op when gamma is 0). */
  observe(gamma: number, accepted: number): void {
    if (gamma <= 0) return;
    this.#accepted = ALPHA_DECAY * this.#accepted + accepted;
    this.#examined = ALPHA_DECAY * this.#examined + accepted + (accepted < gamma ? 1 : 0);
  }

  /** The smoothed acceptance rate in [0, 1]. */
  get alpha(): number {
    return this.#accepted / this.#examined;
  }
}

/** Rounds at gamma 0 before the first probe of a row the optimal schedule turned off. */
export const PROBE_FIRST = 8;
/** Longest wait between probes (the wait doubles after each probe that finds alpha <= c). */
export const PROBE_MAX = 64;
/** The heuristic schedule's starting gamma (Hugging Face starts higher; rows here are short). */
export const HEURISTIC_START = 4;

/** One row's gamma schedule. */
export interface GammaSchedule {
  /** The gamma this row wants for the next round (before caps by length or context). */
  next(cost: CostModel): number;
  /** Record the round: proposed (after caps) and accepted. */
  observe(gamma: number, accepted: number): void;
  /** The row's acceptance estimate. */
  readonly alpha: number;
}

/**
 * The schedule for a row's options.
 *
 * - fixed number: always that gamma.
 * - `"optimal"`: {@link optimalGamma} of the row's alpha and the engine's measured costs; when
 *   that is 0 the row decodes plainly, but after {@link PROBE_FIRST} such rounds (doubling up to
 *   {@link PROBE_MAX}) it probes with gamma 1 so a recovering alpha is noticed. While the
 *   1-token target step time is unknown or stale ({@link CostModel.calibrationDue}) the row
 *   proposes nothing, so that round measures it.
 * - `"heuristic"`: start at min({@link HEURISTIC_START}, max_gamma); +2 after a round with every
 *   proposal accepted, else -1; never below 1.
 */
export function createGammaSchedule(options: SpeculativeOptions): GammaSchedule {
  const estimate = new AcceptanceEstimate();
  const { gamma, max_gamma: maxGamma } = options;
  if (gamma !== "auto") {
    return {
      next: () => gamma,
      observe: (g, k) => estimate.observe(g, k),
      get alpha() {
        return estimate.alpha;
      },
    };
  }
  if (options.schedule === "heuristic") {
    let current = Math.min(HEURISTIC_START, maxGamma);
    return {
      next: () => current,
      observe(g, k) {
        estimate.observe(g, k);
        if (g <= 0) return;
        current = k === g ? Math.min(maxGamma, current + 2) : Math.max(1, current - 1);
      },
      get alpha() {
        return estimate.alpha;
      },
    };
  }
  let idle = 0;
  let wait = PROBE_FIRST;
  let probing = false;
  return {
    next(cost) {
      // A calibration round measures the 1-token target step that c and r are relative to.
      if (cost.calibrationDue) return 0;
      const g = optimalGamma(estimate.alpha, cost.c, maxGamma, (w) => cost.verifyCost(w));
      probing = g === 0 && idle >= wait;
      if (g > 0) wait = PROBE_FIRST;
      return g > 0 ? g : probing ? 1 : 0;
    },
    observe(g, k) {
      estimate.observe(g, k);
      // A probe that leaves alpha <= c makes the next one wait twice as long.
      if (probing && g > 0) wait = Math.min(PROBE_MAX, 2 * wait);
      idle = g > 0 ? 0 : idle + 1;
    },
    get alpha() {
      return estimate.alpha;
    },
  };
}
