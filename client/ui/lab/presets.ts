/**
 * Named starting points of the Lab tab's settings form, per experiment. The first preset of each
 * experiment is the one the form opens with. Each is validated by the experiment's schema in
 * tests/client/lab/ui_presets_test.ts.
 *
 * @module
 */
import { LAB_EXPERIMENTS, type LabExperimentName } from "../../lab/experiments.ts";
import { GROKKING_PRESETS } from "../../lab/grokking_settings.ts";

/** One preset: a label and the settings it fills in. */
export interface LabPreset {
  readonly label: string;
  readonly settings: unknown;
}

/** A grokking run small enough for a smoke test: p = 23, width 64, 200 full-batch steps. */
export const TINY_GROKKING = {
  p: 23,
  op: "add",
  trainFraction: 0.5,
  model: { kind: "mlp", width: 64, activation: "quadratic", initScale: 1 },
  loss: "cross_entropy",
  optimizer: { kind: "adamw", lr: 3e-3, weightDecay: 1 },
  steps: 200,
  evalEvery: 20,
} as const;

/**
 * The tiny model trained until it groks: measured with `deno task lab grokking --p 23 --width 64
 * --steps 3000 --eval-every 50 --train-fraction 0.5` on wasm: memorised at step 150, grokked at
 * 1,650 (delay 11x), 8 s on two cores.
 */
export const SMALL_GROKKING = {
  ...TINY_GROKKING,
  steps: 3000,
  evalEvery: 50,
  afterGrokSteps: 100,
} as const;

/** A prover-verifier game small enough for a smoke test: 27 problems, 2 short rounds. */
export const TINY_PVG = {
  p: 3,
  rounds: 2,
  baseSteps: 30,
  proverSteps: 10,
  problemsPerStep: 9,
  verifierSteps: 40,
  verifierBatch: 32,
} as const;

/** Presets by experiment (the first is the default); see {@link presetsFor}. */
export const LAB_PRESETS: Readonly<Partial<Record<LabExperimentName, readonly LabPreset[]>>> = {
  grokking: [
    { label: "quick: MLP, p = 59 (groks in minutes)", settings: LAB_EXPERIMENTS.grokking.defaults },
    { label: "tiny: MLP, p = 23, 200 steps (smoke test)", settings: TINY_GROKKING },
    { label: "small: MLP, p = 23 (groks near step 1,650)", settings: SMALL_GROKKING },
    { label: "gromov: quadratic MLP, p = 97, MSE", settings: GROKKING_PRESETS.gromov },
    { label: "nanda: one-layer transformer, p = 113", settings: GROKKING_PRESETS.nanda },
  ],
  llc: [
    { label: "deep linear network 5-3-5, rank 0", settings: LAB_EXPERIMENTS.llc.defaults },
    {
      label: "normal crossing x^1 y^2",
      settings: { ...LAB_EXPERIMENTS.llc.defaults, model: { kind: "poly", powers: [1, 2] } },
    },
    {
      label: "short: DLN 5-3-5, 2 chains x 1000 draws",
      settings: {
        ...LAB_EXPERIMENTS.llc.defaults,
        sgld: { chains: 2, steps: 1000, burnIn: 250 },
      },
    },
  ],
  llc_table: [
    { label: "all 18 ground-truth models", settings: LAB_EXPERIMENTS.llc_table.defaults },
  ],
  emergence: [
    { label: "quick grokking + LLC every 50 steps", settings: LAB_EXPERIMENTS.emergence.defaults },
    {
      label: "tiny: p = 23, LLC every 40 steps (smoke test)",
      settings: {
        grokking: { ...TINY_GROKKING, afterGrokSteps: 0 },
        checkpointEvery: 40,
        sgld: { chains: 1, steps: 100, burnIn: 20, batchSize: 64 },
      },
    },
  ],
  pvg: [
    { label: "8 rounds, p = 5 (about a minute on wasm)", settings: LAB_EXPERIMENTS.pvg.defaults },
    { label: "tiny: 2 rounds, p = 3, 10 prover steps (smoke test)", settings: TINY_PVG },
  ],
  ntk: [
    { label: "widths 64-1024, 5 seeds", settings: LAB_EXPERIMENTS.ntk.defaults },
    {
      label: "small: widths 16-64, 1 seed",
      settings: {
        widths: [16, 32, 64],
        seeds: 1,
        points: 4,
        population: 64,
        spectrumTo: 16,
        trainSizes: [4, 8, 16],
        trials: 1,
      },
    },
  ],
};

/** The presets of an experiment; one without an entry gets its schema defaults. */
export function presetsFor(name: LabExperimentName): readonly LabPreset[] {
  return LAB_PRESETS[name] ?? [{ label: "defaults", settings: LAB_EXPERIMENTS[name].defaults }];
}
