/**
 * Kernel-regression learning curves against the eigenlearning prediction. The data distribution
 * is uniform over M points; the target has coefficients v_i = s_i i^(-g/2) (random signs s_i) in
 * the kernel's eigenbasis, so its spectrum is a power law. For each training size n, random
 * subsets of n distinct points are fitted by kernel ridge regression,
 * f = K(., X) (K(X, X) + delta I)^-1 y, and the test error is the mean squared error over all M
 * points (the population).
 *
 * @module
 */
import { numpy as np } from "@jax-js/jax";
import { fromHost, intsFromHost, type LabDtype, scalarToHost } from "../device.ts";
import { report, type RunOptions, throwIfAborted, yieldToEventLoop } from "../experiment.ts";
import { fitPowerLaw, meanStd, type PowerLawFit } from "../fit.ts";
import { permutation, type Rng } from "../rng.ts";
import { predictTestError } from "./eigenlearning.ts";
import type { Spectrum } from "./spectrum.ts";

/** One point of the learning curve. */
export type CurvePoint = {
  n: number;
  test_error: number;
  test_error_std: number;
  predicted: number;
};

/** Curves with fitted power laws of error versus n (exponents are decay rates, positive). */
export type LearningCurves = {
  points: CurvePoint[];
  measured_fit: PowerLawFit;
  predicted_fit: PowerLawFit;
};

/** Target values y [M] with coefficients v_i = s_i i^(-g/2), and those coefficients. */
export function powerLawTarget(
  spec: Spectrum,
  g: number,
  rng: Rng,
): { y: Float64Array; v: number[] } {
  const m = spec.vectors.length;
  const v = spec.values.map((_, i) => (rng.uniform() < 0.5 ? -1 : 1) * (i + 1) ** (-g / 2));
  const y = new Float64Array(m);
  spec.vectors.forEach((u, i) => {
    // phi_i(x_j) = sqrt(M) u_i[j] has unit mean square over the M points.
    for (let j = 0; j < m; j++) y[j] = y[j]! + v[i]! * Math.sqrt(m) * u[j]!;
  });
  return { y, v };
}

/** Measure and predict the test error for each n (`kernel` [M, M] is not consumed). */
export async function learningCurves(
  kernel: np.Array,
  spec: Spectrum,
  target: { y: Float64Array; v: number[] },
  sizes: number[],
  trials: number,
  ridge: number,
  dtype: LabDtype,
  rng: Rng,
  options: RunOptions,
): Promise<LearningCurves> {
  const m = target.y.length;
  const yAll = fromHost(target.y, [m, 1], dtype); // [M, 1]
  const points: CurvePoint[] = [];
  try {
    for (const [si, n] of sizes.entries()) {
      const errors: number[] = [];
      for (let t = 0; t < trials; t++) {
        throwIfAborted(options.signal);
        const idx = permutation(rng, m).slice(0, n);
        const pick = () => intsFromHost(idx, [n]);
        const kxX = np.take(kernel.ref, pick(), 1); // [M, n]
        const kXX = np.take(kxX.ref, pick(), 0); // [n, n]
        const yX = np.take(yAll.ref, pick(), 0); // [n, 1]
        const alpha = np.linalg.solve(
          kXX.add(np.eye(n, undefined, { dtype: kernel.dtype }).mul(ridge)),
          yX,
        );
        const err = np.square(np.matmul(kxX, alpha).sub(yAll.ref)).mean();
        errors.push(await scalarToHost(err));
        await yieldToEventLoop();
      }
      const { mean, std } = meanStd(errors);
      const predicted = predictTestError(spec.values, target.v, n, ridge);
      points.push({ n, test_error: mean, test_error_std: std, predicted });
      report(options, {
        fraction: (si + 1) / sizes.length,
        message: `n = ${n}: test error ${mean.toExponential(3)} (predicted ${
          predicted.toExponential(3)
        })`,
        series: "learning_curve",
        point: { n, test_error: mean, predicted },
      });
    }
  } finally {
    yAll.dispose();
  }
  const ns = points.map((p) => p.n);
  const flip = (f: PowerLawFit): PowerLawFit => ({ ...f, exponent: -f.exponent });
  return {
    points,
    measured_fit: flip(fitPowerLaw(ns, points.map((p) => p.test_error))),
    predicted_fit: flip(fitPowerLaw(ns, points.map((p) => p.predicted))),
  };
}
