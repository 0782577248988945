/**
 * Per-row losses and metrics over logits whose class axis may be padded: wasm matmuls run about
 * ten times faster when every dimension is a multiple of 16, so modular tasks pad p classes up
 * and hide the padding (an additive -1e9 logit mask for cross-entropy and argmax, a 0/1 column
 * mask for squared error).
 *
 * @module
 */
import { nn, numpy as np } from "@jax-js/jax";
import { z } from "zod";

/** Training loss of a classifier: cross-entropy, or squared error to the one-hot target. */
export const ClassifierLoss = z.enum(["cross_entropy", "mse"]);
/** Training loss of a classifier. */
export type ClassifierLoss = z.infer<typeof ClassifierLoss>;

/** Column masks for `realClasses` real classes among `paddedClasses`. */
export type ClassMasks = {
  /** 0 on real classes, -1e9 on padding: [classes]. */
  additive: np.Array;
  /** 1 on real classes, 0 on padding: [classes]. */
  keep: np.Array;
};

/** Build both masks (the caller owns them). */
export function classMasks(
  realClasses: number,
  paddedClasses: number,
  dtype: np.DType,
): ClassMasks {
  const add = Float32Array.from({ length: paddedClasses }, (_, i) => (i < realClasses ? 0 : -1e9));
  const keep = Float32Array.from({ length: paddedClasses }, (_, i) => (i < realClasses ? 1 : 0));
  return { additive: np.array(add).astype(dtype), keep: np.array(keep).astype(dtype) };
}

/**
 * Per-row loss [batch] of logits [batch, classes] against int32 labels [batch].
 * Consumes logits and labels, not the masks.
 */
export function rowLoss(
  kind: ClassifierLoss,
  logits: np.Array,
  labels: np.Array,
  masks: ClassMasks,
): np.Array {
  const classes = logits.shape[logits.ndim - 1]!;
  const target = nn.oneHot(labels, classes).astype(logits.dtype); // [batch, classes]
  if (kind === "cross_entropy") {
    return nn.logSoftmax(logits.add(masks.additive.ref)).mul(target).sum(-1).neg();
  }
  return np.square(logits.sub(target)).mul(masks.keep.ref).sum(-1);
}

/**
 * Per-row correctness [batch] in {0, 1}: the label's logit is the largest unmasked one (consumes
 * logits and labels). Written as "label logit >= row max" rather than `argmax == label`: a jit-ed
 * argmax fused after a matmul never finishes on jax-js 0.1.25's WebGPU backend (measured on
 * SwiftShader), while the max reduction does. The two agree except on exact ties.
 */
export function rowCorrect(logits: np.Array, labels: np.Array, masks: ClassMasks): np.Array {
  const masked = logits.add(masks.additive.ref); // [batch, classes]
  const target = nn.oneHot(labels, masked.shape[masked.ndim - 1]!).astype(masked.dtype);
  const own = masked.ref.mul(target).sum(-1); // [batch]
  return np.greaterEqual(own, masked.max(-1)).astype(np.float32);
}

/** Round `n` up to a multiple of `m` (16 by default, the wasm matmul's sweet spot). */
export function padTo(n: number, m = 16): number {
  return Math.ceil(n / m) * m;
}
