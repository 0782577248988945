/**
 * The learning-coefficient experiment: estimate the LLC of a ground-truth model (normal-crossing
 * polynomial or deep linear network) with SGLD and compare it with the known value.
 *
 * The centre w* is either the true parameter ("truth") or the empirical minimiser of L_n reached
 * by gradient descent from it ("trained", the default, like measuring at trained weights). At
 * the truth, noise in the data biases the estimate low by about beta (n L_n(w0) - n L_n(w_hat))
 * (= beta d/2 on average for a regular model); at the trained minimum that term is absent.
 *
 * @module
 */
import { defaultDevice } from "@jax-js/jax";
import { z } from "zod";
import { LabDtype } from "../device.ts";
import { LabSettingsError } from "../errors.ts";
import { type RunOptions, yieldToEventLoop } from "../experiment.ts";
import { Trainer } from "../trainer.ts";
import { createRng } from "../rng.ts";
import { disposeParams, refParams } from "../params.ts";
import { estimateLlc, type LlcEstimate, SgldOverrides } from "./sgld.ts";
import { dlnTarget, type GroundTruthTarget, polyTarget } from "./targets.ts";
import { aoyagiLambda } from "./truth.ts";

/** The ground-truth model. */
export const LlcModel = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("dln"),
    /** [input, hidden..., output]. */
    widths: z.array(z.number().int().positive()).min(2),
    rank: z.number().int().nonnegative(),
  }),
  z.object({ kind: z.literal("poly"), powers: z.array(z.number().int().positive()).min(1) }),
]);
/** The ground-truth model. */
export type LlcModel = z.infer<typeof LlcModel>;

/** Sampler defaults per model, chosen with the eps-by-n-beta sweep (see ARCHITECTURE.md). */
export const LLC_SGLD_DEFAULTS = {
  dln: { eps: 1e-4, gamma: 1, steps: 4000, chains: 4, burnIn: 1000, acceptanceEvery: 10 },
  poly: { eps: 1e-4, gamma: 1, steps: 4000, chains: 4, burnIn: 1000, acceptanceEvery: 10 },
} as const;

/** Every setting of an LLC run. */
export const LlcSettings = z.object({
  model: LlcModel,
  /** Dataset size (10^4: n beta = 1086, so eps = 1e-4 keeps eps n beta |H| near 0.1). */
  n: z.number().int().min(2).default(10000),
  /** Standard deviation of the label noise. */
  noise: z.number().nonnegative().default(1),
  center: z.enum(["trained", "truth"]).default("trained"),
  /** Gradient-descent steps from the truth when center is "trained". */
  centerSteps: z.number().int().positive().default(1000),
  dataSeed: z.number().int().default(0),
  /** Omitted: float64 where the device has it (wasm, cpu), else float32. */
  dtype: LabDtype.optional(),
  /** Overrides of the per-model sampler defaults. */
  sgld: SgldOverrides.default({}),
});
/** Every setting of an LLC run. */
export type LlcSettings = z.infer<typeof LlcSettings>;

/** Result of an LLC run (JSON-serialisable). */
export type LlcResult = {
  experiment: "llc";
  model: LlcModel;
  truth: number;
  llc_mean: number;
  llc_std: number;
  nbeta: number;
  relative_error: number;
  device: string;
  estimate: LlcEstimate;
  settings: LlcSettings;
};

/** Validate settings. */
export function parseLlcSettings(input: z.input<typeof LlcSettings>): LlcSettings {
  const parsed = LlcSettings.safeParse(input);
  if (!parsed.success) {
    throw new LabSettingsError(`Cannot run the LLC experiment: ${parsed.error.message}`);
  }
  const m = parsed.data.model;
  if (parsed.data.sgld.batchSize !== undefined) {
    throw new LabSettingsError(
      `Cannot run the LLC experiment as 'sgld.batchSize' must be omitted (the ground-truth losses are exact moment sums, not rows): current value is ${parsed.data.sgld.batchSize}`,
    );
  }
  if (m.kind === "dln" && m.rank > Math.min(...m.widths)) {
    throw new LabSettingsError(
      `Cannot run the LLC experiment as 'rank' must be at most ${
        Math.min(...m.widths)
      }: current value is ${m.rank}`,
    );
  }
  return parsed.data;
}

/** Build the target (with its trained centre when asked). The caller disposes it. */
export async function buildLlcTarget(s: LlcSettings): Promise<GroundTruthTarget> {
  const m = s.model;
  const dtype = s.dtype ?? (defaultDevice() === "webgpu" ? "float32" : "float64");
  const t = m.kind === "dln"
    ? dlnTarget(m.widths, m.rank, aoyagiLambda(m.widths, m.rank), s.n, s.noise, s.dataSeed, dtype)
    : polyTarget(m.powers, s.n, s.noise, s.dataSeed, dtype);
  if (s.center === "truth") return t;
  const trainer = new Trainer({
    loss: t.target.loss,
    optimizer: { kind: "sgd", lr: 0.05, momentum: 0.9, weightDecay: 0 },
    params: refParams(t.target.center),
    data: { x: t.target.data.x.ref, y: t.target.data.y.ref },
    rng: createRng(s.dataSeed),
  });
  for (let i = 0; i < s.centerSteps; i++) {
    trainer.step().dispose();
    if (i % 50 === 49) {
      await trainer.settle(); // see Trainer.settle
      await yieldToEventLoop();
    }
  }
  const trained = trainer.params();
  trainer.dispose();
  disposeParams(t.target.center);
  t.target.center = trained;
  return t;
}

/**
 * Estimate the LLC of one ground-truth model.
 *
 * @example
 * ```ts
 * const r = await runLlc({ model: { kind: "dln", widths: [5, 3, 5], rank: 0 } });
 * [r.llc_mean, r.truth, r.nbeta];
 * ```
 */
export async function runLlc(
  input: z.input<typeof LlcSettings>,
  options: RunOptions = {},
): Promise<LlcResult> {
  const s = parseLlcSettings(input);
  const t = await buildLlcTarget(s);
  try {
    const estimate = await estimateLlc(
      t.target,
      { ...LLC_SGLD_DEFAULTS[s.model.kind], ...s.sgld },
      options,
    );
    return {
      experiment: "llc",
      model: s.model,
      truth: t.truth,
      llc_mean: estimate.llc_mean,
      llc_std: estimate.llc_std,
      nbeta: estimate.nbeta,
      relative_error: (estimate.llc_mean - t.truth) / t.truth,
      device: defaultDevice(),
      estimate,
      settings: s,
    };
  } finally {
    t.dispose();
  }
}
