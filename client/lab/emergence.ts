/**
 * Emergence: the local learning coefficient estimated at checkpoints along a grokking run, next
 * to test accuracy and weight norm, with a data-driven answer to "does the LLC trajectory change
 * before or as test accuracy jumps?". The LLC is measured on the training rows only (as in
 * devinterp's grokking notebook), with minibatch SGLD centred at the checkpoint's weights.
 *
 * @module
 */
import { z } from "zod";
import { LabSettingsError } from "./errors.ts";
import type { RunOptions } from "./experiment.ts";
import { type GrokkingEvalContext, runGrokking } from "./grokking.ts";
import { GROKKING_PRESETS, GrokkingSettings } from "./grokking_settings.ts";
import { estimateLlc, SgldOverrides } from "./llc/sgld.ts";
import { disposeParams } from "./params.ts";
import { analyzeEmergence, type EmergenceAnalysis } from "./emergence_analysis.ts";

/** Every setting of the emergence experiment. */
export const EmergenceSettings = z.object({
  grokking: GrokkingSettings.default(
    GrokkingSettings.parse({ ...GROKKING_PRESETS.quick, afterGrokSteps: 300 }),
  ),
  /** Estimate the LLC every this many steps (a multiple of grokking.evalEvery). */
  checkpointEvery: z.number().int().positive().default(50),
  sgld: SgldOverrides.default({}),
});
/** Every setting of the emergence experiment. */
export type EmergenceSettings = z.infer<typeof EmergenceSettings>;

/** Sampler defaults for checkpoints (minibatch SGLD, two chains). */
export const EMERGENCE_SGLD_DEFAULTS = {
  eps: 3e-5,
  gamma: 100,
  chains: 2,
  steps: 300,
  burnIn: 100,
  batchSize: 256,
  acceptanceEvery: 20,
  traceEvery: 10,
} as const;

/** One checkpoint. */
export type EmergenceCheckpoint = {
  step: number;
  llc_mean: number;
  llc_std: number;
  nbeta: number;
  mala_acceptance: number | null;
  train_loss: number;
  test_loss: number;
  train_acc: number;
  test_acc: number;
  weight_norm: number;
};

/** Result of the emergence experiment (JSON-serialisable). */
export type EmergenceResult = {
  experiment: "emergence";
  memorization_step: number | null;
  grok_step: number | null;
  checkpoints: EmergenceCheckpoint[];
  analysis: EmergenceAnalysis;
  wall_seconds: number;
  settings: EmergenceSettings;
};

/** Run grokking and estimate the LLC at every checkpoint. */
export async function runEmergence(
  input: z.input<typeof EmergenceSettings> = {},
  options: RunOptions = {},
): Promise<EmergenceResult> {
  const parsed = EmergenceSettings.safeParse(input);
  if (!parsed.success) throw new LabSettingsError(`Cannot run emergence: ${parsed.error.message}`);
  const s = parsed.data;
  if (s.checkpointEvery % s.grokking.evalEvery !== 0) {
    throw new LabSettingsError(
      `Cannot run emergence as 'checkpointEvery' must be a multiple of ${s.grokking.evalEvery}: current value is ${s.checkpointEvery}`,
    );
  }
  const start = performance.now();
  const sgld = { ...EMERGENCE_SGLD_DEFAULTS, ...s.sgld };
  const checkpoints: EmergenceCheckpoint[] = [];
  const onEval = async (ctx: GrokkingEvalContext) => {
    if (ctx.point.step % s.checkpointEvery !== 0) return;
    const center = ctx.params();
    try {
      const est = await estimateLlc(
        { loss: ctx.loss, center, data: { x: ctx.train.x, y: ctx.train.y }, n: ctx.train.n },
        { ...sgld, seed: sgld.seed ?? ctx.point.step },
        { ...(options.signal ? { signal: options.signal } : {}) },
      );
      const cp: EmergenceCheckpoint = {
        ...ctx.point,
        llc_mean: est.llc_mean,
        llc_std: est.llc_std,
        nbeta: est.nbeta,
        mala_acceptance: est.mala_acceptance,
      };
      checkpoints.push(cp);
      options.onProgress?.({
        fraction: ctx.point.step / s.grokking.steps,
        message: `step ${cp.step}: LLC ${cp.llc_mean.toFixed(2)}, test acc ${
          cp.test_acc.toFixed(3)
        }`,
        series: "checkpoints",
        point: { ...cp, mala_acceptance: cp.mala_acceptance ?? Number.NaN },
      });
    } finally {
      disposeParams(center);
    }
  };
  const run = await runGrokking(s.grokking, options.signal ? { signal: options.signal } : {}, {
    onEval,
  });
  return {
    experiment: "emergence",
    memorization_step: run.memorization_step,
    grok_step: run.grok_step,
    checkpoints,
    analysis: analyzeEmergence(checkpoints, run.memorization_step, run.grok_step),
    wall_seconds: (performance.now() - start) / 1000,
    settings: s,
  };
}
