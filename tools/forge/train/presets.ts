/**
 * Model sizes the trainer knows by name, for the world tokenizer's vocabulary (special ids:
 * 0 <|endoftext|> = bos = pad, 2 <|im_end|> = eos of chat turns).
 *
 * @module
 */
import { type LlamaConfig, parseLlamaConfig } from "../llama_config.ts";

/** Shape of a preset. */
interface PresetShape {
  readonly hidden: number;
  readonly layers: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly intermediate: number;
}

/**
 * Named sizes: target (about 1.3M parameters at vocab 1024), draft (about 10x smaller), tiny
 * (tests, the quick pipeline's target) and micro (the quick pipeline's draft).
 */
export const PRESETS: Readonly<Record<"target" | "draft" | "tiny" | "micro", PresetShape>> = {
  target: { hidden: 160, layers: 4, heads: 4, kvHeads: 2, intermediate: 432 },
  draft: { hidden: 64, layers: 2, heads: 2, kvHeads: 1, intermediate: 128 },
  tiny: { hidden: 32, layers: 2, heads: 4, kvHeads: 2, intermediate: 64 },
  micro: { hidden: 16, layers: 1, heads: 2, kvHeads: 1, intermediate: 32 },
};

/** Name of a preset. */
export type PresetName = keyof typeof PRESETS;

/**
 * The Llama config of a preset for a vocabulary size.
 *
 * @example
 * ```ts
 * presetConfig("target", 1024).hidden_size; // 160
 * ```
 */
export function presetConfig(name: PresetName, vocabSize: number, maxPositions = 512): LlamaConfig {
  const s = PRESETS[name];
  return parseLlamaConfig({
    model_type: "llama",
    architectures: ["LlamaForCausalLM"],
    vocab_size: vocabSize,
    hidden_size: s.hidden,
    intermediate_size: s.intermediate,
    num_hidden_layers: s.layers,
    num_attention_heads: s.heads,
    num_key_value_heads: s.kvHeads,
    head_dim: s.hidden / s.heads,
    max_position_embeddings: maxPositions,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    tie_word_embeddings: true,
    bos_token_id: 0,
    eos_token_id: [2, 0],
    pad_token_id: 0,
    torch_dtype: "float32",
  });
}
