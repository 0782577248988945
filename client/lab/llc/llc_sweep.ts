/**
 * Hyperparameter diagnostics for the LLC estimator: an eps-by-n-beta grid on one target. A good
 * setting sits in a flat region (estimates stable across neighbouring cells) with MALA
 * acceptance near 0.9 and no draws below L_n(w*).
 *
 * @module
 */
import type { z } from "zod";
import { report, type RunOptions } from "../experiment.ts";
import {
  buildLlcTarget,
  LLC_SGLD_DEFAULTS,
  type LlcSettings,
  parseLlcSettings,
} from "./llc_experiment.ts";
import { estimateLlc } from "./sgld.ts";

/** One cell of the grid. */
export type SweepCell = {
  eps: number;
  nbeta: number;
  llc_mean: number;
  llc_std: number;
  mala_acceptance: number | null;
  fraction_below_init: number;
};

/** Result of a sweep (JSON-serialisable). */
export type LlcSweep = { experiment: "llc_sweep"; truth: number; cells: SweepCell[] };

/** Estimate the LLC for every (eps, n beta) pair on one target. */
export async function sweepLlc(
  input: z.input<typeof LlcSettings>,
  epsValues: number[],
  nbetaValues: number[],
  options: RunOptions = {},
): Promise<LlcSweep> {
  const s = parseLlcSettings(input);
  const t = await buildLlcTarget(s);
  const cells: SweepCell[] = [];
  try {
    for (const eps of epsValues) {
      for (const nbeta of nbetaValues) {
        const est = await estimateLlc(t.target, {
          ...LLC_SGLD_DEFAULTS[s.model.kind],
          ...s.sgld,
          eps,
          nbeta,
        }, options.signal ? { signal: options.signal } : {});
        const cell = {
          eps,
          nbeta,
          llc_mean: est.llc_mean,
          llc_std: est.llc_std,
          mala_acceptance: est.mala_acceptance,
          fraction_below_init: est.fraction_below_init,
        };
        cells.push(cell);
        report(options, {
          fraction: cells.length / (epsValues.length * nbetaValues.length),
          message: `eps ${eps}, nbeta ${nbeta}: LLC ${est.llc_mean.toFixed(3)}`,
          series: "sweep",
          point: { ...cell, mala_acceptance: cell.mala_acceptance ?? Number.NaN },
        });
      }
    }
  } finally {
    t.dispose();
  }
  return { experiment: "llc_sweep", truth: t.truth, cells };
}
