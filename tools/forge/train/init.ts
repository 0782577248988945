/**
 * Training initialization of Llama weights (HF layout), following transformers'
 * `_init_weights` (normal, std `initializer_range`, norms at 1) with GPT-2's scaling of the
 * residual output projections (o_proj, down_proj) by 1/sqrt(2 * layers). The forge's
 * `initLlamaWeights` draws much larger values on purpose (clear greedy winners for numerics
 * tests), which trains badly.
 *
 * @module
 */
import type { LlamaConfig } from "../llama_config.ts";
import { deriveRng } from "../rng.ts";
import { type F32Tensor, shapeSize } from "../safetensors.ts";
import { llamaTensorSpecs, type LlamaWeights } from "../weights.ts";

/**
 * Seeded weights to start training from; each tensor has its own stream (seed, name).
 *
 * @example
 * ```ts
 * const weights = initTrainWeights(config, 1);
 * ```
 */
export function initTrainWeights(config: LlamaConfig, seed: number): LlamaWeights {
  const std = config.initializer_range;
  const residual = std / Math.sqrt(2 * config.num_hidden_layers);
  const weights = new Map<string, F32Tensor>();
  for (const spec of llamaTensorSpecs(config)) {
    const data = new Float32Array(shapeSize(spec.shape)); // spec.shape
    if (spec.init === "norm") {
      data.fill(1);
    } else {
      const rng = deriveRng(seed, spec.name);
      const scale = spec.name.endsWith("o_proj.weight") || spec.name.endsWith("down_proj.weight")
        ? residual
        : std;
      for (let i = 0; i < data.length; i++) data[i] = scale * rng.normal();
    }
    weights.set(spec.name, { shape: spec.shape, data });
  }
  return weights;
}
