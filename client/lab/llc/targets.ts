/**
 * Ground-truth models for the LLC estimator, with data drawn from a seeded generator.
 *
 * Both are Gaussian regressions, y = f(x; w*) + sigma noise, with loss L_n(w) = mean ||y - f||^2 / 2.
 * Because f is linear in x, L_n depends on the data only through its second moments, so the
 * loss is evaluated exactly from them (cost independent of n, which lets n be large and beta
 * = 1/log n small):
 *
 * - poly: f = c(w) x with c(w) = prod w_i^(k_i); x ~ N(0, 1); w* = 0, so K(w) ∝ prod w_i^(2 k_i)
 *   under a flat prior (h_i = 0): lambda = min_i 1 / (2 k_i).
 * - dln: f = x W_1 ... W_L; x ~ N(0, I); the true W* has rank r, built from r x r blocks.
 *   Sufficient statistics: Sxx = X^T X / n [in, in], Sxy = X^T Y / n [in, out], syy.
 *
 * @module
 */
import { numpy as np } from "@jax-js/jax";
import { fromHost, type LabDtype } from "../device.ts";
import { disposeParams, type Params } from "../params.ts";
import { createRng, type Rng } from "../rng.ts";
import type { LlcTarget } from "./sgld.ts";
import { normalCrossingLambda } from "./truth.ts";

/** Free a target's centre (whatever it is by then) and data. */
function disposeTarget(target: LlcTarget): void {
  disposeParams(target.center);
  target.data.x.dispose();
  target.data.y.dispose();
}

/** A target plus its known learning coefficient; `dispose` frees its device arrays. */
export type GroundTruthTarget = { target: LlcTarget; truth: number; dispose: () => void };

function moments(x: Float64Array, y: Float64Array, n: number, din: number, dout: number) {
  const sxx = new Float64Array(din * din);
  const sxy = new Float64Array(din * dout);
  let syy = 0;
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < din; i++) {
      const xi = x[r * din + i]!;
      for (let j = 0; j < din; j++) sxx[i * din + j] = sxx[i * din + j]! + xi * x[r * din + j]!;
      for (let j = 0; j < dout; j++) sxy[i * dout + j] = sxy[i * dout + j]! + xi * y[r * dout + j]!;
    }
    for (let j = 0; j < dout; j++) syy += y[r * dout + j]! ** 2;
  }
  return { sxx: sxx.map((v) => v / n), sxy: sxy.map((v) => v / n), syy: syy / n };
}

function sample(rng: Rng, n: number, din: number, dout: number, wTrue: number[][], sigma: number) {
  const x = new Float64Array(n * din);
  const y = new Float64Array(n * dout);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < din; i++) x[r * din + i] = rng.normal();
    for (let j = 0; j < dout; j++) {
      let v = 0;
      for (let i = 0; i < din; i++) v += x[r * din + i]! * wTrue[i]![j]!;
      y[r * dout + j] = v + sigma * rng.normal();
    }
  }
  return moments(x, y, n, din, dout);
}

/** Loss from moments: x carries Sxx [in, in], y carries Sxy [in, out] with syy appended as a row. */
function momentLoss(product: (p: Params) => np.Array) {
  return (params: Params, sxx: np.Array, sxyAndSyy: np.Array): np.Array => {
    const din = sxx.shape[0]!;
    const w = product(params); // [in, out]
    const sxy = sxyAndSyy.ref.slice([0, din]); // [in, out]
    const syy = sxyAndSyy.slice(din, 0); // scalar (stored in row `in`, column 0)
    // 1/2 tr(W^T Sxx W) - tr(W^T Sxy) + syy/2, halved before the sum: in jax-js 0.1.25 a
    // scalar factor applied after this matmul-sum breaks jit-ed float64 gradients on wasm.
    const terms = np.matmul(sxx, w.ref).mul(w.ref).mul(0.5).sub(sxy.mul(w)); // [in, out]
    return terms.sum().add(syy.mul(0.5));
  };
}

function momentData(m: ReturnType<typeof moments>, din: number, dout: number, dtype: LabDtype) {
  const stacked = new Float64Array((din + 1) * dout);
  stacked.set(m.sxy);
  stacked[din * dout] = m.syy;
  return {
    x: fromHost(m.sxx, [din, din], dtype), // [in, in]
    y: fromHost(stacked, [din + 1, dout], dtype), // [in + 1, out]
  };
}

/** Normal-crossing polynomial regression with powers k_i (flat prior). */
export function polyTarget(
  powers: number[],
  n: number,
  sigma: number,
  seed: number,
  dtype: LabDtype,
): GroundTruthTarget {
  const rng = createRng(seed);
  const m = sample(rng, n, 1, 1, [[0]], sigma);
  const data = momentData(m, 1, 1, dtype);
  const center: Params = { w: fromHost(new Float64Array(powers.length), [powers.length], dtype) };
  const coefficient = (p: Params): np.Array => {
    const w = p.w!;
    let c: np.Array | null = null;
    powers.forEach((k, i) => {
      // Repeated products, not np.power: its log-based gradient is NaN at w = 0.
      let term = w.ref.slice(i);
      for (let j = 1; j < k; j++) term = term.mul(w.ref.slice(i));
      c = c === null ? term : c.mul(term);
    });
    w.dispose();
    return (c as unknown as np.Array).reshape([1, 1]);
  };
  const target: LlcTarget = { loss: momentLoss(coefficient), center, data, n };
  return {
    target,
    truth: normalCrossingLambda(powers).lambda,
    dispose: () => disposeTarget(target),
  };
}

/** Deep linear network [in, hidden..., out] whose true product has rank `rank`. */
export function dlnTarget(
  widths: number[],
  rank: number,
  truth: number,
  n: number,
  sigma: number,
  seed: number,
  dtype: LabDtype,
): GroundTruthTarget {
  const rng = createRng(seed);
  const layers: number[][][] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const [a, b] = [widths[l]!, widths[l + 1]!];
    layers.push(
      Array.from(
        { length: a },
        (_, i) => Array.from({ length: b }, (_, j) => (i < rank && j < rank ? rng.normal() : 0)),
      ),
    );
  }
  const product = layers.reduce((acc, w) =>
    acc.map((row) => w[0]!.map((_, j) => row.reduce((s, v, k) => s + v * w[k]![j]!, 0)))
  );
  const din = widths[0]!;
  const dout = widths[widths.length - 1]!;
  const m = sample(rng, n, din, dout, product, sigma);
  const data = momentData(m, din, dout, dtype);
  const center: Params = {};
  layers.forEach((w, l) => {
    center[`w${l}`] = fromHost(w.flat(), [widths[l]!, widths[l + 1]!], dtype); // [in_l, out_l]
  });
  const chain = (p: Params): np.Array => {
    let acc: np.Array = p.w0!;
    for (let l = 1; l + 1 < widths.length; l++) acc = np.matmul(acc, p[`w${l}`]!);
    return acc;
  };
  const target: LlcTarget = { loss: momentLoss(chain), center, data, n };
  return { target, truth, dispose: () => disposeTarget(target) };
}
