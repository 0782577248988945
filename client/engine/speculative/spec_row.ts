/**
 * A row as the speculative runner drives it: the driver interface a request row implements
 * (GenerationRow does) and the runner's per-row state (pending tokens of both caches, the
 * gamma schedule, this round's proposals).
 *
 * @module
 */
import type { RowDriver } from "../batch_runner.ts";
import type { Rng } from "../sampling/mod.ts";
import { createGammaSchedule, type GammaSchedule } from "./gamma.ts";
import { DEFAULT_SPECULATIVE, neverSpeculates, type SpeculativeOptions } from "./options.ts";

/** What the speculative runner needs from a row, beyond a plain {@link RowDriver}. */
export interface SpecRowDriver extends RowDriver {
  /** The row's speculative options; undefined takes {@link DEFAULT_SPECULATIVE}. */
  readonly speculative: SpeculativeOptions | undefined;
  /** True at temperature 0. */
  readonly greedy: boolean;
  /** The row's generator, used for draft draws, acceptance tests and residual draws. */
  readonly rng: Rng;
  /** Tokens the row may still generate. */
  readonly tokensLeft: number;
  /**
   * Process raw logits ([vocab]) into `out` with the row's sampling parameters, as if the row
   * had already generated `proposals[0..count)`.
   */
  process(
    logits: Float32Array,
    out: Float32Array,
    proposals: ArrayLike<number>,
    count: number,
  ): Float32Array;
  /** Record a verified token and its log-probability under the raw target distribution. */
  pushVerified(token: number, logprob: number): boolean;
  /** Count draft tokens proposed for the row and accepted into its output. */
  noteSpeculation(proposed: number, accepted: number): void;
}

/** The runner's state of one row. Its index in the batch is its row in both caches. */
export class SpecRow {
  readonly driver: SpecRowDriver;
  readonly schedule: GammaSchedule;
  /**
   * False when the row can never propose (gamma fixed at 0, or a prompt longer than the
   * draft's context): it has no draft cache and decodes plainly.
   */
  usesDraft: boolean;
  /** Largest gamma the row can ask for. */
  readonly maxGamma: number;
  /** The sampled token not yet in the target cache (its position is the target length). */
  pendingTarget = -1;
  /** Emitted tokens not yet in the draft cache (at least one while the row runs). */
  pendingDraft: number[] = [];
  /** LoRA slot of the row on the target (0 = base model); the draft never uses adapters. */
  slot = 0;
  /** This round's gamma (after caps). */
  gamma = 0;
  /** This round's proposals d_1..d_gamma. */
  readonly proposals: Int32Array;

  constructor(driver: SpecRowDriver) {
    const options = driver.speculative ?? DEFAULT_SPECULATIVE;
    this.driver = driver;
    this.schedule = createGammaSchedule(options);
    this.usesDraft = !neverSpeculates(options);
    this.maxGamma = options.gamma === "auto" ? options.max_gamma : options.gamma;
    this.proposals = new Int32Array(Math.max(1, this.maxGamma));
  }
}
