/**
 * The committed fixture models: a "target" (hidden 64, 4 layers, 4 heads / 2 KV heads,
 * untied lm_head) and a "draft" (hidden 32, 2 layers, 2 heads / 1 KV head, tied), both
 * GQA, sharing one ChatML byte-level BPE tokenizer of 512 tokens trained on
 * {@link FIXTURE_TEXT}. Weights come from fixed seeds, so the bytes never change.
 *
 * @module
 */
import { FIXTURE_TEXT } from "./fixture_text.ts";
import { type LlamaConfig, parseLlamaConfig } from "./llama_config.ts";
import { type ChatMlTokenizer, trainChatMlTokenizer } from "./tokenizer_files.ts";
import { initLlamaWeights } from "./weights.ts";
import { type ForgedSet, forgeModelSet } from "./model_set.ts";

/** Vocabulary size of the fixture tokenizer and models. */
export const FIXTURE_VOCAB_SIZE = 512;
/** Context length of the fixture models. */
export const FIXTURE_MAX_POSITIONS = 512;

/** A fixture model: its name (folder), weight seed and architecture. */
export interface FixtureSpec {
  /** Folder name under models/fixtures. */
  readonly name: "target" | "draft";
  /** Seed of {@link initLlamaWeights}. */
  readonly seed: number;
  /** Full config. */
  readonly config: LlamaConfig;
}

/**
 * The fixture tokenizer (deterministic).
 *
 * @example
 * ```ts
 * fixtureTokenizer().ids.imEnd; // 2
 * ```
 */
export function fixtureTokenizer(): ChatMlTokenizer {
  return trainChatMlTokenizer({
    text: FIXTURE_TEXT,
    vocabSize: FIXTURE_VOCAB_SIZE,
    modelMaxLength: FIXTURE_MAX_POSITIONS,
  });
}

/**
 * Configs and seeds of the fixture models for a tokenizer.
 *
 * @example
 * ```ts
 * fixtureSpecs(fixtureTokenizer())[0].config.hidden_size; // 64
 * ```
 */
export function fixtureSpecs(tokenizer: ChatMlTokenizer): FixtureSpec[] {
  const common = {
    model_type: "llama",
    architectures: ["LlamaForCausalLM"],
    vocab_size: tokenizer.bpe.vocab.size,
    head_dim: 16,
    max_position_embeddings: FIXTURE_MAX_POSITIONS,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    bos_token_id: tokenizer.ids.endoftext,
    eos_token_id: tokenizer.ids.imEnd,
    pad_token_id: tokenizer.ids.endoftext,
    torch_dtype: "float32",
  };
  return [
    {
      name: "target",
      seed: 1001,
      config: parseLlamaConfig({
        ...common,
        hidden_size: 64,
        intermediate_size: 172,
        num_hidden_layers: 4,
        num_attention_heads: 4,
        num_key_value_heads: 2,
        tie_word_embeddings: false,
      }),
    },
    {
      name: "draft",
      seed: 2002,
      config: parseLlamaConfig({
        ...common,
        hidden_size: 32,
        intermediate_size: 86,
        num_hidden_layers: 2,
        num_attention_heads: 2,
        num_key_value_heads: 1,
        tie_word_embeddings: true,
      }),
    },
  ];
}

/**
 * Forge the fixture set (target, draft, manifest.json) in memory.
 *
 * @example
 * ```ts
 * const { files } = await forgeFixtureSet();
 * ```
 */
export function forgeFixtureSet(includeSafetensors = false): Promise<ForgedSet> {
  const tokenizer = fixtureTokenizer();
  const models = fixtureSpecs(tokenizer).map((spec) => ({
    name: spec.name,
    config: spec.config,
    weights: initLlamaWeights(spec.config, spec.seed),
  }));
  return forgeModelSet(models, tokenizer, includeSafetensors);
}
