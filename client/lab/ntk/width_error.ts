/**
 * Finite-width fluctuations of the NTK: the relative Frobenius error
 * |Theta_hat - Theta|_F / |Theta|_F between the empirical NTK of random networks and the
 * infinite-width kernel, as a function of width, over several seeds (expected ~ width^-1/2).
 *
 * @module
 */
import { fromHost, type LabDtype, toHost } from "../device.ts";
import type { RunOptions } from "../experiment.ts";
import { report, throwIfAborted, yieldToEventLoop } from "../experiment.ts";
import { fitPowerLaw, meanStd, type PowerLawFit } from "../fit.ts";
import { initMlp, MlpConfig } from "../mlp.ts";
import { createRng } from "../rng.ts";
import { analyticKernels, type ReluNetwork } from "./analytic.ts";
import { empiricalNtk } from "./empirical.ts";

/** Error statistics at one width. */
export type WidthError = { width: number; mean: number; std: number; errors: number[] };

/** Relative Frobenius distance of two same-size matrices. */
export function relativeFrobenius(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

/** Measure the error at each width and fit its log-log slope. */
export async function widthErrors(
  net: ReluNetwork,
  inputs: Float64Array,
  d: number,
  widths: number[],
  seeds: number,
  seed: number,
  dtype: LabDtype,
  options: RunOptions,
): Promise<{ rows: WidthError[]; fit: PowerLawFit }> {
  const n = inputs.length / d;
  const x = () => fromHost(inputs, [n, d], dtype); // [n, d]
  const kernels = analyticKernels(net, x(), x());
  kernels.nngp.dispose();
  const theta = await toHost(kernels.ntk);
  const rows: WidthError[] = [];
  for (const [wi, width] of widths.entries()) {
    const errors: number[] = [];
    for (let s = 0; s < seeds; s++) {
      throwIfAborted(options.signal);
      const config = MlpConfig.parse({
        sizes: [d, ...Array<number>(net.depth).fill(width), 1],
        activation: "relu",
        bias: net.sb > 0,
        parameterization: "ntk",
        weightScale: net.sw,
        biasScale: net.sb,
      });
      const params = initMlp(config, createRng(seed * 1000003 + width * 101 + s), dtype);
      const emp = await toHost(empiricalNtk(config, params, x()));
      errors.push(relativeFrobenius(emp, theta));
      await yieldToEventLoop();
    }
    const { mean, std } = meanStd(errors);
    rows.push({ width, mean, std, errors });
    report(options, {
      fraction: (wi + 1) / widths.length,
      message: `width ${width}: relative error ${mean.toFixed(4)}`,
      series: "width_errors",
      point: { width, mean, std },
    });
  }
  return { rows, fit: fitPowerLaw(rows.map((r) => r.width), rows.map((r) => r.mean)) };
}
