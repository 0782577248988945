/**
 * Elementwise activations of the lab's MLPs.
 *
 * @module
 */
import { nn, numpy as np } from "@jax-js/jax";
import { z } from "zod";

/** Hidden-layer nonlinearity: ReLU, exact GELU, the quadratic x^2 of Gromov's grokking MLP, or none. */
export const Activation = z.enum(["relu", "gelu", "quadratic", "linear"]);
/** Hidden-layer nonlinearity. */
export type Activation = z.infer<typeof Activation>;

/** Apply an activation (consumes `x`; traceable). */
export function activate(kind: Activation, x: np.Array): np.Array {
  switch (kind) {
    case "relu":
      return nn.relu(x);
    case "gelu":
      return nn.gelu(x, { approximate: false });
    case "quadratic":
      return np.square(x);
    case "linear":
      return x;
  }
}
