/**
 * Eigen-decomposition of a kernel with respect to the uniform measure on M sample points:
 * eigenvalues of K / M in decreasing order, eigenvectors as columns, and the fitted power-law
 * decay lambda_i ~ i^-a over an index window.
 *
 * @module
 */
import { numpy as np } from "@jax-js/jax";
import { toHost } from "../device.ts";
import { fitPowerLaw, type PowerLawFit } from "../fit.ts";

/** Eigenpairs on the host: values descending, vectors[i] the i-th unit eigenvector [M]. */
export type Spectrum = { values: number[]; vectors: Float64Array[] };

/** Decompose K [M, M] / M (consumes K). */
export async function kernelSpectrum(k: np.Array): Promise<Spectrum> {
  const m = k.shape[0]!;
  const [w, v] = np.linalg.eigh(k.mul(1 / m)); // ascending; v columns are eigenvectors
  const values = Array.from(await toHost(w));
  const flat = await toHost(v); // [M, M] row-major
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]!);
  return {
    values: order.map((i) => Math.max(values[i]!, 0)),
    vectors: order.map((col) => Float64Array.from({ length: m }, (_, row) => flat[row * m + col]!)),
  };
}

/** Fit lambda_i ~ c i^-a over 1-based indices [from, to]; returns a (positive for decay). */
export function spectrumExponent(values: number[], from: number, to: number): PowerLawFit {
  const idx: number[] = [];
  const vals: number[] = [];
  for (let i = from; i <= Math.min(to, values.length); i++) {
    idx.push(i);
    vals.push(values[i - 1]!);
  }
  const fit = fitPowerLaw(idx, vals);
  return { ...fit, exponent: -fit.exponent };
}
