/**
 * Llama weights under their Hugging Face tensor names: the expected shapes for a config,
 * a seeded initializer, validation, and conversion from/to safetensors.
 *
 * @module
 */
import type { LlamaConfig } from "./llama_config.ts";
import { WeightsError } from "./errors.ts";
import { deriveRng } from "./rng.ts";
import { type F32Tensor, readSafetensors, shapeSize, writeSafetensors } from "./safetensors.ts";

/** Llama weights keyed by Hugging Face tensor name (`model.layers.0.mlp.up_proj.weight`). */
export type LlamaWeights = ReadonlyMap<string, F32Tensor>;

/** How a tensor is initialized by {@link initLlamaWeights}. */
export type InitKind = "embedding" | "projection" | "norm";

/** One tensor a Llama model needs. */
export interface TensorSpec {
  /** Hugging Face tensor name. */
  readonly name: string;
  /** HF layout shape ([out, in] for linear weights). */
  readonly shape: readonly number[];
  /** Initialization family used by {@link initLlamaWeights}. */
  readonly init: InitKind;
}

/**
 * The tensors a Llama model of this config needs, with shapes in Hugging Face layout
 * (linear weights are [out_features, in_features]). `lm_head.weight` appears only when
 * embeddings are untied.
 *
 * @example
 * ```ts
 * llamaTensorSpecs(config).map((t) => t.name);
 * ```
 */
export function llamaTensorSpecs(config: LlamaConfig): TensorSpec[] {
  const h = config.hidden_size;
  const qDim = config.num_attention_heads * config.head_dim;
  const kvDim = config.num_key_value_heads * config.head_dim;
  const ff = config.intermediate_size;
  const specs: TensorSpec[] = [
    { name: "model.embed_tokens.weight", shape: [config.vocab_size, h], init: "embedding" },
  ];
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const p = `model.layers.${i}`;
    specs.push(
      { name: `${p}.input_layernorm.weight`, shape: [h], init: "norm" },
      { name: `${p}.self_attn.q_proj.weight`, shape: [qDim, h], init: "projection" },
      { name: `${p}.self_attn.k_proj.weight`, shape: [kvDim, h], init: "projection" },
      { name: `${p}.self_attn.v_proj.weight`, shape: [kvDim, h], init: "projection" },
      { name: `${p}.self_attn.o_proj.weight`, shape: [h, qDim], init: "projection" },
      { name: `${p}.post_attention_layernorm.weight`, shape: [h], init: "norm" },
      { name: `${p}.mlp.gate_proj.weight`, shape: [ff, h], init: "projection" },
      { name: `${p}.mlp.up_proj.weight`, shape: [ff, h], init: "projection" },
      { name: `${p}.mlp.down_proj.weight`, shape: [h, ff], init: "projection" },
    );
  }
  specs.push({ name: "model.norm.weight", shape: [h], init: "norm" });
  if (!config.tie_word_embeddings) {
    specs.push({ name: "lm_head.weight", shape: [config.vocab_size, h], init: "projection" });
  }
  return specs;
}

/**
 * Deterministic random weights: embeddings ~ N(0, 0.5), projections ~ N(0, 1/fan_in),
 * norm weights ~ 1 + N(0, 0.1). The scales are larger than HF's init (std 0.02) on purpose:
 * logits then spread over several units, so greedy decoding has clear winners and
 * numerics tests are not decided by near-ties. Each tensor has its own stream derived from
 * (seed, name), so the values do not depend on creation order.
 *
 * @example
 * ```ts
 * const weights = initLlamaWeights(config, 1234);
 * ```
 */
export function initLlamaWeights(config: LlamaConfig, seed: number): LlamaWeights {
  const weights = new Map<string, F32Tensor>();
  for (const spec of llamaTensorSpecs(config)) {
    const rng = deriveRng(seed, spec.name);
    const data = new Float32Array(shapeSize(spec.shape)); // spec.shape
    const fanIn = spec.shape[spec.shape.length - 1]!;
    for (let i = 0; i < data.length; i++) {
      const z = rng.normal();
      data[i] = spec.init === "embedding"
        ? 0.5 * z
        : spec.init === "norm"
        ? 1 + 0.1 * z
        : z / Math.sqrt(fanIn);
    }
    weights.set(spec.name, { shape: spec.shape, data });
  }
  return weights;
}

/**
 * Check that `tensors` holds every tensor the config needs with the right shape and
 * return exactly those (extra tensors such as rotary caches are dropped; a `lm_head.weight`
 * of a tied model is ignored). Throws {@link WeightsError} naming the tensor.
 *
 * @example
 * ```ts
 * const weights = validateLlamaWeights(config, readSafetensors(bytes));
 * ```
 */
export function validateLlamaWeights(
  config: LlamaConfig,
  tensors: ReadonlyMap<string, F32Tensor>,
): LlamaWeights {
  const out = new Map<string, F32Tensor>();
  for (const spec of llamaTensorSpecs(config)) {
    const tensor = tensors.get(spec.name);
    if (tensor === undefined) {
      throw new WeightsError(
        `Cannot load weights as tensor '${spec.name}' is missing (expected shape [${spec.shape}])`,
      );
    }
    const same = tensor.shape.length === spec.shape.length &&
      tensor.shape.every((d, i) => d === spec.shape[i]);
    if (!same) {
      throw new WeightsError(
        `Cannot load weights as tensor '${spec.name}' must have shape [${spec.shape}]: current value is [${tensor.shape}]`,
      );
    }
    out.set(spec.name, tensor);
  }
  return out;
}

/**
 * Read and validate Llama weights from safetensors bytes (HF tensor names).
 *
 * @example
 * ```ts
 * const weights = llamaWeightsFromSafetensors(config, await Deno.readFile("model.safetensors"));
 * ```
 */
export function llamaWeightsFromSafetensors(config: LlamaConfig, bytes: Uint8Array): LlamaWeights {
  return validateLlamaWeights(config, readSafetensors(bytes));
}

/**
 * Serialize Llama weights as F32 safetensors (deterministic bytes).
 *
 * @example
 * ```ts
 * await Deno.writeFile("model.safetensors", llamaWeightsToSafetensors(weights));
 * ```
 */
export function llamaWeightsToSafetensors(weights: LlamaWeights): Uint8Array {
  return writeSafetensors(weights, { format: "pt" });
}

/**
 * Fetch one tensor or throw {@link WeightsError}.
 *
 * @example
 * ```ts
 * const embed = requireTensor(weights, "model.embed_tokens.weight");
 * ```
 */
export function requireTensor(weights: LlamaWeights, name: string): F32Tensor {
  const tensor = weights.get(name);
  if (tensor === undefined) {
    throw new WeightsError(`Cannot build model as tensor '${name}' is missing`);
  }
  return tensor;
}
