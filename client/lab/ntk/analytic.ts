/**
 * Infinite-width NNGP and NTK kernels of a ReLU MLP in NTK parameterisation (the recursion of
 * anchors.md, as in neural-tangents' `stax.serial(Dense, Relu, ..., Dense)` with
 * `kernel_fn(x1, x2, ("nngp", "ntk"))`):
 *
 *   Sigma^0 = x . x' / d,  Theta^0 = 0
 *   Dense:  Sigma <- sw^2 Sigma + sb^2,  Theta <- Sigma + sw^2 Theta
 *   ReLU:   theta = arccos(Sigma / sqrt(q q')),
 *           Sigma <- sqrt(q q') / (2 pi) (sin theta + (pi - theta) cos theta),
 *           Theta <- Theta (pi - theta) / (2 pi)
 *
 * where q, q' are the diagonal entries (kernels of each input with itself).
 *
 * jax-js 0.1.25 evaluates sqrt and arccos at float32 precision even on float64 arrays, so the
 * normaliser sqrt(q q') gets one Newton step in the array's own precision (on the diagonal the
 * cosine is then exactly 1, where arccos is most sensitive), theta is pinned to 0 there, and the
 * ReLU update is arranged so that pi only multiplies theta.
 *
 * @module
 */
import { numpy as np } from "@jax-js/jax";
import { z } from "zod";

/** A ReLU MLP: `depth` hidden Dense+ReLU layers, then a Dense readout of width 1. */
export const ReluNetwork = z.object({
  depth: z.number().int().positive(),
  sw: z.number().positive().default(Math.SQRT2),
  sb: z.number().nonnegative().default(0),
});
/** A ReLU MLP description. */
export type ReluNetwork = z.infer<typeof ReluNetwork>;

/** Both kernels between two input sets, each [n1, n2]. */
export type Kernels = { nngp: np.Array; ntk: np.Array };

/** sqrt(x) for x > 0, with one Newton step (y + x / y) / 2 in x's precision. */
function refinedSqrt(x: np.Array): np.Array {
  const y = np.sqrt(x.ref);
  return y.ref.add(x.div(y)).mul(0.5);
}

/** Compute the kernels of x1 [n1, d] against x2 [n2, d] (consumes both; traceable). */
export function analyticKernels(net: ReluNetwork, x1: np.Array, x2: np.Array): Kernels {
  const d = x1.shape[1]!;
  const [w2, b2] = [net.sw * net.sw, net.sb * net.sb];
  let sigma = np.matmul(x1.ref, x2.ref.transpose()).mul(1 / d); // [n1, n2]
  let q1 = np.square(x1).sum(1).mul(1 / d); // [n1]
  let q2 = np.square(x2).sum(1).mul(1 / d); // [n2]
  let theta = np.zerosLike(sigma.ref); // [n1, n2]
  const dense = () => {
    sigma = sigma.mul(w2).add(b2);
    q1 = q1.mul(w2).add(b2);
    q2 = q2.mul(w2).add(b2);
    theta = sigma.ref.add(theta.mul(w2));
  };
  for (let layer = 0; layer < net.depth; layer++) {
    dense();
    const norm = refinedSqrt(q1.ref.reshape([-1, 1]).mul(q2.ref.reshape([1, -1]))); // [n1, n2]
    const cos = np.clip(sigma.div(norm.ref), -1, 1);
    // jax-js's arccos(1) is 9e-7, not 0: pin the diagonal.
    const angle = np.where(cos.ref.greaterEqual(1), 0, np.arccos(cos.ref));
    const sin = np.sqrt(np.maximum(cos.ref.mul(cos.ref).neg().add(1), 0));
    // (sin + (pi - t) cos) / (2 pi) = cos / 2 + (sin - t cos) / (2 pi): no float32 pi at t = 0.
    const k = 1 / (2 * Math.PI);
    sigma = norm.mul(cos.ref.mul(0.5).add(sin.sub(angle.ref.mul(cos)).mul(k)));
    theta = theta.mul(angle.mul(-k).add(0.5));
    q1 = q1.mul(0.5);
    q2 = q2.mul(0.5);
  }
  dense();
  q1.dispose();
  q2.dispose();
  return { nngp: sigma, ntk: theta };
}
