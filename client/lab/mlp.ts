/**
 * Multilayer perceptron in standard or NTK parameterisation.
 *
 * Standard: `h = x W + b` with `W ~ N(0, (init_scale)^2 / fan_in)`.
 * NTK (Jacot et al.; neural-tangents `parameterization="ntk"`): `h = (sw / sqrt(fan_in)) x W + sb b`
 * with `W, b ~ N(0, 1)`, so the infinite-width NTK has the closed form of ntk/analytic.ts.
 *
 * @module
 */
import { numpy as np } from "@jax-js/jax";
import { z } from "zod";
import { activate, Activation } from "./activations.ts";
import type { LabDtype } from "./device.ts";
import { initNormal, type Params } from "./params.ts";
import type { Rng } from "./rng.ts";

/** Shape and style of an MLP. */
export const MlpConfig = z.object({
  /** Layer sizes, input first and output last: [d_in, hidden..., d_out]. */
  sizes: z.array(z.number().int().positive()).min(2),
  activation: Activation.default("relu"),
  bias: z.boolean().default(true),
  parameterization: z.enum(["standard", "ntk"]).default("standard"),
  /** Standard: weight std times sqrt(fan_in). NTK: sigma_w. */
  weightScale: z.number().positive().default(1),
  /** NTK only: sigma_b. */
  biasScale: z.number().nonnegative().default(0),
});
/** Shape and style of an MLP. */
export type MlpConfig = z.infer<typeof MlpConfig>;

/** Draw MLP parameters: `w{i}` of [fan_in, fan_out], `b{i}` of [fan_out]. */
export function initMlp(config: MlpConfig, rng: Rng, dtype: LabDtype): Params {
  const params: Params = {};
  for (let i = 0; i + 1 < config.sizes.length; i++) {
    const fanIn = config.sizes[i]!;
    const fanOut = config.sizes[i + 1]!;
    const std = config.parameterization === "ntk" ? 1 : config.weightScale / Math.sqrt(fanIn);
    params[`w${i}`] = initNormal(rng, [fanIn, fanOut], std, dtype); // [fan_in, fan_out]
    if (config.bias) {
      const bStd = config.parameterization === "ntk" ? 1 : 0;
      params[`b${i}`] = initNormal(rng, [fanOut], bStd, dtype); // [fan_out]
    }
  }
  return params;
}

/** Forward pass: x [batch, d_in] -> [batch, d_out] (consumes `params` and `x`; traceable). */
export function mlpApply(config: MlpConfig, params: Params, x: np.Array): np.Array {
  const layers = config.sizes.length - 1;
  let h = x; // [batch, sizes[0]]
  for (let i = 0; i < layers; i++) {
    const w = params[`w${i}`];
    if (w === undefined) throw new Error(`MLP parameters lack 'w${i}'`);
    h = np.matmul(h, w); // [batch, sizes[i + 1]]
    if (config.parameterization === "ntk") {
      h = h.mul(config.weightScale / Math.sqrt(config.sizes[i]!));
    }
    const b = params[`b${i}`];
    if (b !== undefined) h = h.add(config.parameterization === "ntk" ? b.mul(config.biasScale) : b);
    if (i + 1 < layers) h = activate(config.activation, h);
  }
  return h;
}
