/**
 * The parts of a Hugging Face config.json / generation_config.json the engine needs.
 * Unknown fields pass through so real exported models (Llama, Qwen2, SmolLM2) load as is.
 *
 * @module
 */
import { z } from "zod";

const TokenIds = z.union([z.number().int(), z.array(z.number().int())]);

/** Decoder config.json fields the engine reads. */
export const DecoderConfig = z.looseObject({
  model_type: z.string(),
  vocab_size: z.number().int().positive(),
  hidden_size: z.number().int().positive(),
  num_hidden_layers: z.number().int().positive(),
  num_attention_heads: z.number().int().positive(),
  num_key_value_heads: z.number().int().positive().optional(),
  head_dim: z.number().int().positive().optional(),
  max_position_embeddings: z.number().int().positive(),
  bos_token_id: TokenIds.nullable().optional(),
  eos_token_id: TokenIds.nullable().optional(),
  pad_token_id: z.number().int().nullable().optional(),
});
/** Decoder config.json fields the engine reads. */
export type DecoderConfig = z.infer<typeof DecoderConfig>;

/** generation_config.json fields the engine reads. */
export const GenerationConfig = z.looseObject({
  eos_token_id: TokenIds.nullable().optional(),
  bos_token_id: TokenIds.nullable().optional(),
  pad_token_id: z.number().int().nullable().optional(),
});
/** generation_config.json fields the engine reads. */
export type GenerationConfig = z.infer<typeof GenerationConfig>;

/** Derived shapes of the decoder's KV cache. */
export interface KvShape {
  /** Number of decoder layers (one key and one value tensor each). */
  readonly layers: number;
  /** num_key_value_heads (GQA); equals num_attention_heads when absent. */
  readonly kvHeads: number;
  /** Per-head dimension. */
  readonly headDim: number;
}

/** Compute the KV cache shape from a config. */
export function kvShape(config: DecoderConfig): KvShape {
  return {
    layers: config.num_hidden_layers,
    kvHeads: config.num_key_value_heads ?? config.num_attention_heads,
    headDim: config.head_dim ?? config.hidden_size / config.num_attention_heads,
  };
}

/** All end-of-sequence ids named by config.json and generation_config.json. */
export function eosTokenIds(config: DecoderConfig, generation?: GenerationConfig): number[] {
  const ids = new Set<number>();
  for (const v of [config.eos_token_id, generation?.eos_token_id]) {
    if (typeof v === "number") ids.add(v);
    else if (Array.isArray(v)) v.forEach((x) => ids.add(x));
  }
  return [...ids];
}
