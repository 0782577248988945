/**
 * The NTK experiment: (1) finite-width convergence of the empirical NTK to the analytic one, with
 * the fitted log-log slope of the relative error versus width; (2) the analytic kernel's
 * eigenvalue decay and fitted exponent; (3) kernel-regression learning curves against the
 * eigenlearning prediction, with fitted power laws of test error versus n.
 *
 * @module
 */
import { defaultDevice } from "@jax-js/jax";
import { z } from "zod";
import { fromHost, LabDtype } from "../device.ts";
import { LabSettingsError } from "../errors.ts";
import type { RunOptions } from "../experiment.ts";
import type { PowerLawFit } from "../fit.ts";
import { createRng } from "../rng.ts";
import { analyticKernels, ReluNetwork } from "./analytic.ts";
import { type CurvePoint, learningCurves, powerLawTarget } from "./learning_curves.ts";
import { kernelSpectrum, spectrumExponent } from "./spectrum.ts";
import { spherePoints } from "./sphere.ts";
import { type WidthError, widthErrors } from "./width_error.ts";

/** Every setting of the NTK experiment. */
export const NtkSettings = z.object({
  inputDim: z.number().int().min(2).default(4),
  network: ReluNetwork.default({ depth: 2, sw: Math.SQRT2, sb: 0.1 }),
  /** Inputs for the width study. */
  points: z.number().int().min(2).default(8),
  widths: z.array(z.number().int().positive()).min(2).default([64, 128, 256, 512, 1024]),
  seeds: z.number().int().positive().default(5),
  /** M: the population the spectrum and learning curves live on. */
  population: z.number().int().min(16).default(384),
  /** 1-based eigenvalue index window of the spectrum fit. */
  spectrumFrom: z.number().int().positive().default(2),
  spectrumTo: z.number().int().positive().default(96),
  /** g: target coefficients v_i^2 ~ i^-g. */
  targetPower: z.number().positive().default(2),
  ridge: z.number().nonnegative().default(1e-6),
  trainSizes: z.array(z.number().int().positive()).min(2).default([8, 16, 32, 64, 128]),
  trials: z.number().int().positive().default(4),
  seed: z.number().int().default(0),
  /** Omitted: float64 where the device has it (wasm, cpu), else float32. */
  dtype: LabDtype.optional(),
});
/** Every setting of the NTK experiment. */
export type NtkSettings = z.infer<typeof NtkSettings>;

/** Result of the NTK experiment (JSON-serialisable). */
export type NtkResult = {
  experiment: "ntk";
  width_slope: number;
  width_fit: PowerLawFit;
  width_errors: WidthError[];
  spectrum_exponent: number;
  /** d / (d - 1): ReLU NTK eigenvalues on the sphere decay like k^-d with multiplicity k^(d-2). */
  spectrum_exponent_theory: number;
  spectrum_fit: PowerLawFit;
  eigenvalues: number[];
  curves: CurvePoint[];
  /** Fitted decay rate of the measured test error versus n. */
  curve_exponent: number;
  /** Fitted decay rate of the eigenlearning prediction versus n. */
  curve_exponent_predicted: number;
  /** min(g - 1, 2 a) with a the fitted spectrum exponent. */
  curve_exponent_theory: number;
  dtype: LabDtype;
  device: string;
  wall_seconds: number;
  settings: NtkSettings;
};

/** Run the three NTK studies. */
export async function runNtk(
  input: z.input<typeof NtkSettings> = {},
  options: RunOptions = {},
): Promise<NtkResult> {
  const parsed = NtkSettings.safeParse(input);
  if (!parsed.success) {
    throw new LabSettingsError(`Cannot run the NTK experiment: ${parsed.error.message}`);
  }
  const s = parsed.data;
  if (Math.max(...s.trainSizes) >= s.population) {
    throw new LabSettingsError(
      `Cannot run the NTK experiment as 'trainSizes' must stay below 'population' (${s.population}): current maximum is ${
        Math.max(...s.trainSizes)
      }`,
    );
  }
  const start = performance.now();
  const dtype: LabDtype = s.dtype ?? (defaultDevice() === "webgpu" ? "float32" : "float64");
  const rng = createRng(s.seed);
  const d = s.inputDim;
  const widthInputs = spherePoints(rng, s.points, d);
  const width = await widthErrors(
    s.network,
    widthInputs,
    d,
    s.widths,
    s.seeds,
    s.seed,
    dtype,
    options,
  );
  const pop = spherePoints(rng, s.population, d);
  const x = () => fromHost(pop, [s.population, d], dtype); // [M, d]
  const kernels = analyticKernels(s.network, x(), x());
  kernels.nngp.dispose();
  const kernel = kernels.ntk; // [M, M]
  try {
    const spec = await kernelSpectrum(kernel.ref);
    const specFit = spectrumExponent(spec.values, s.spectrumFrom, s.spectrumTo);
    const target = powerLawTarget(spec, s.targetPower, rng);
    const curves = await learningCurves(
      kernel,
      spec,
      target,
      s.trainSizes,
      s.trials,
      s.ridge,
      dtype,
      rng,
      options,
    );
    return {
      experiment: "ntk",
      width_slope: width.fit.exponent,
      width_fit: width.fit,
      width_errors: width.rows,
      spectrum_exponent: specFit.exponent,
      spectrum_exponent_theory: d / (d - 1),
      spectrum_fit: specFit,
      eigenvalues: spec.values,
      curves: curves.points,
      curve_exponent: curves.measured_fit.exponent,
      curve_exponent_predicted: curves.predicted_fit.exponent,
      curve_exponent_theory: Math.min(s.targetPower - 1, 2 * specFit.exponent),
      dtype,
      device: defaultDevice(),
      wall_seconds: (performance.now() - start) / 1000,
      settings: s,
    };
  } finally {
    kernel.dispose();
  }
}
