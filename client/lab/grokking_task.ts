/**
 * The device side of a grokking run: inputs, labels, model parameters and the jit-ed loss and
 * evaluation functions for one modular-arithmetic split. Padded rows, classes and vocabulary are
 * zeroed or masked here so they change neither metrics nor the weight norm.
 *
 * @module
 */
import { jit, numpy as np, type OwnedFunction } from "@jax-js/jax";
import { fromHost, intsFromHost, jaxDtype } from "./device.ts";
import type { GrokkingSettings } from "./grokking_settings.ts";
import { type ClassMasks, classMasks, padTo, rowCorrect, rowLoss } from "./losses.ts";
import { initMlp, mlpApply, MlpConfig } from "./mlp.ts";
import { type ModularRows, type ModularSplit, oneHotPairs, pairTokens } from "./modular_data.ts";
import { type Params, squaredNorm } from "./params.ts";
import type { Rng } from "./rng.ts";
import { initTransformer, transformerApply } from "./transformer.ts";

type Apply = (params: Params, x: np.Array) => np.Array;
type EvalFn = (p: Params, x: np.Array, y: np.Array, w: np.Array) => [np.Array, np.Array];

/** One split on the device: inputs x, labels y [rows] and row weights w [rows] (0 = padding). */
export type DeviceRows = { x: np.Array; y: np.Array; w: np.Array; count: number };

/** Everything a grokking run needs on the device. */
export type GrokkingTask = {
  params: Params;
  train: DeviceRows;
  test: DeviceRows;
  masks: ClassMasks;
  /** Mean training loss (consumes its inputs; traceable). */
  loss: (params: Params, x: np.Array, y: np.Array) => np.Array;
  /** Weighted sums [loss, correct] over a split (jit-ed; consumes its inputs). */
  evaluate: OwnedFunction<EvalFn>;
  /** Euclidean norm of all parameters (jit-ed; consumes its input). */
  norm: OwnedFunction<(p: Params) => np.Array>;
};

function zeroPadding(a: np.Array, axis: 0 | 1, keep: (i: number) => boolean): np.Array {
  const n = a.shape[axis]!;
  const mask = np.array(Float32Array.from({ length: n }, (_, i) => (keep(i) ? 1 : 0))).astype(
    a.dtype,
  );
  return a.mul(axis === 0 ? mask.reshape([n, 1]) : mask.reshape([1, n]));
}

function buildModel(s: GrokkingSettings, split: ModularSplit, rng: Rng): [Params, Apply] {
  const c = split.classes;
  if (s.model.kind === "mlp") {
    const config = MlpConfig.parse({
      sizes: [2 * c, s.model.width, c],
      activation: s.model.activation,
      bias: false,
      weightScale: s.model.initScale,
    });
    const params = initMlp(config, rng, s.dtype);
    params.w0 = zeroPadding(params.w0!, 0, (i) => i % c < split.p);
    params.w1 = zeroPadding(params.w1!, 1, (i) => i < split.p);
    return [params, (p, x) => mlpApply(config, p, x)];
  }
  const config = s.model;
  const params = initTransformer(config, { vocab: split.p + 1, classes: c }, rng, s.dtype);
  params.embed = zeroPadding(params.embed!, 0, (i) => i <= split.p);
  params.unembed = zeroPadding(params.unembed!, 1, (i) => i < split.p);
  return [params, (p, x) => transformerApply(config, p, x)];
}

function deviceRows(s: GrokkingSettings, rows: ModularRows, split: ModularSplit): DeviceRows {
  const count = rows.a.length;
  const padded = padTo(count);
  const idx = Int32Array.from({ length: padded }, (_, i) => (i < count ? i : i - count));
  const pick = (v: Int32Array) => Int32Array.from(idx, (i) => v[i]!);
  const r: ModularRows = { a: pick(rows.a), b: pick(rows.b), label: pick(rows.label) };
  const x = s.model.kind === "mlp"
    ? fromHost(oneHotPairs(r, split.classes), [padded, 2 * split.classes], s.dtype)
    : intsFromHost(pairTokens(r, split.p), [padded, 3]);
  const weights = Float32Array.from({ length: padded }, (_, i) => (i < count ? 1 : 0));
  return { x, y: intsFromHost(r.label, [padded]), w: fromHost(weights, [padded], s.dtype), count };
}

/** Put a split and a freshly initialised model on the device. */
export function buildGrokkingTask(
  s: GrokkingSettings,
  split: ModularSplit,
  rng: Rng,
): GrokkingTask {
  const [params, apply] = buildModel(s, split, rng);
  const masks = classMasks(split.p, split.classes, jaxDtype(s.dtype));
  const loss = (p: Params, x: np.Array, y: np.Array) =>
    rowLoss(s.loss, apply(p, x), y, masks).mean();
  const evaluate = jit((p: Params, x: np.Array, y: np.Array, w: np.Array): [np.Array, np.Array] => {
    const logits = apply(p, x);
    const l = rowLoss(s.loss, logits.ref, y.ref, masks).mul(w.ref).sum();
    const c = rowCorrect(logits, y, masks).astype(w.dtype).mul(w).sum();
    return [l, c];
  }) as unknown as OwnedFunction<EvalFn>;
  const norm = jit((p: Params) => np.sqrt(squaredNorm(p))) as unknown as OwnedFunction<
    (p: Params) => np.Array
  >;
  return {
    params,
    train: deviceRows(s, split.train, split),
    test: deviceRows(s, split.test, split),
    masks,
    loss,
    evaluate,
    norm,
  };
}

/** Free the rows, masks and compiled functions (the trainer owns the parameters). */
export function disposeGrokkingTask(task: GrokkingTask): void {
  task.train.x.dispose();
  task.train.y.dispose();
  task.train.w.dispose();
  task.test.x.dispose();
  task.test.y.dispose();
  task.test.w.dispose();
  task.masks.additive.dispose();
  task.masks.keep.dispose();
  task.evaluate.dispose();
  task.norm.dispose();
}
