/**
 * The Quiet-STaR mixing head (Zelikman et al. 2024): an MLP on concat(h_base, h_post) giving
 * w = clip(z, 0, 1) per position. Layer 0 is [2 * hidden, hidden] + bias with ReLU, layer 1
 * is [hidden, 1] + bias and starts at zero, so w = 0 at init and the mixed logits equal the
 * base logits. The clip is straight-through in training (see {@link mixingWeight}).
 *
 * h_base is the final (normed) hidden state at <|startofthought|>, the first position of the
 * post-thought pass; h_post is the final hidden state at the position being predicted. The
 * exported graph (tools/forge/quiet_star_graph.ts) computes the same function of one pass.
 *
 * @module
 */
import { lax, numpy as np } from "@jax-js/jax";
import { createRng } from "../../rng.ts";
import type { F32Tensor } from "../../safetensors.ts";

/** Parameter names of the head (trainer layout: weights [in, out]). */
export const HEAD_NAMES = {
  w0: "quiet_star.mixing_head.0.weight",
  b0: "quiet_star.mixing_head.0.bias",
  w1: "quiet_star.mixing_head.2.weight",
  b1: "quiet_star.mixing_head.2.bias",
} as const;

/** Head tensors on the host: w0 [2H, H], b0 [H], w1 [H, 1], b1 [1]. */
export type HeadHost = Map<string, F32Tensor>;

/**
 * A fresh head for hidden size `hidden`: layer 0 ~ U(-a, a) with a = 1 / sqrt(2 * hidden),
 * layer 1 and both biases zero (so w = 0). `lastLayer` overrides layer 1 (tests use it to
 * get a non-zero w).
 *
 * @example
 * ```ts
 * const head = initMixingHead(160, 7);
 * ```
 */
export function initMixingHead(
  hidden: number,
  seed: number,
  lastLayer?: { weight: number; bias: number },
): HeadHost {
  const rng = createRng(seed >>> 0);
  const a = 1 / Math.sqrt(2 * hidden);
  const w0 = new Float32Array(2 * hidden * hidden); // [2H, H]
  for (let i = 0; i < w0.length; i++) w0[i] = (2 * rng.uniform() - 1) * a;
  const w1 = new Float32Array(hidden); // [H, 1]
  if (lastLayer !== undefined) {
    for (let i = 0; i < hidden; i++) w1[i] = lastLayer.weight * (i % 2 === 0 ? 1 : -1);
  }
  return new Map<string, F32Tensor>([
    [HEAD_NAMES.w0, { shape: [2 * hidden, hidden], data: w0 }],
    [HEAD_NAMES.b0, { shape: [hidden], data: new Float32Array(hidden) }],
    [HEAD_NAMES.w1, { shape: [hidden, 1], data: w1 }],
    [HEAD_NAMES.b1, { shape: [1], data: Float32Array.of(lastLayer?.bias ?? 0) }],
  ]);
}

/** Whether a parameter name belongs to the mixing head. */
export function isHeadParam(name: string): boolean {
  return name.startsWith("quiet_star.mixing_head.");
}

function take(params: { [name: string]: np.Array }, name: string): np.Array {
  const p = params[name];
  if (p === undefined) {
    throw new RangeError(`Cannot run the mixing head as parameter '${name}' is missing`);
  }
  return p;
}

/**
 * w = clip(relu(concat(hBase, hPost) @ w0 + b0) @ w1 + b1, 0, 1): hBase, hPost [N, H] ->
 * [N, 1]. Consumes the head parameters it reads and both inputs.
 *
 * @example
 * ```ts
 * const w = mixingWeight(tree.ref(params), hBase, hPost); // [N, 1]
 * ```
 */
export function mixingWeight(
  params: { [name: string]: np.Array },
  hBase: np.Array,
  hPost: np.Array,
): np.Array {
  const x = np.concatenate([hBase, hPost], -1); // [N, 2H]
  const z0 = np.matmul(x, take(params, HEAD_NAMES.w0)).add(take(params, HEAD_NAMES.b0)); // [N, H]
  const a0 = np.maximum(z0, 0); // [N, H]
  const z1 = np.matmul(a0, take(params, HEAD_NAMES.w1)).add(take(params, HEAD_NAMES.b1)); // [N, 1]
  // Straight-through clip: the forward value is clip(z, 0, 1); the gradient passes as if
  // unclipped, so a head pushed below 0 can come back when thoughts start to help.
  const clipped = lax.stopGradient(np.clip(z1.ref, 0, 1).sub(z1.ref)); // [N, 1]
  return z1.add(clipped);
}
