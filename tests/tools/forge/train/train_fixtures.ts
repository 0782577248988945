/**
 * Shared pieces of the trainer tests: a tiny Llama config (GQA, tied or untied), a
 * deterministic synthetic token stream, and a small tiny-world dataset with its tokenizer.
 *
 * @module
 */
import { defaultDevice, init } from "@jax-js/jax";
import { Tokenizer } from "@huggingface/tokenizers";
import { type LlamaConfig, parseLlamaConfig } from "../../../../tools/forge/llama_config.ts";
import type { TokenStream } from "../../../../tools/forge/train/data.ts";
import type { TrainConfigInput } from "../../../../tools/forge/train/config.ts";
import { buildWorldData, type WorldData } from "../../../../tools/forge/world/dataset.ts";
import { trainWorldTokenizer } from "../../../../tools/forge/world/tokenizer.ts";

/** jax-js keeps wasm timers and workers alive between tests. */
export const jaxTest = { sanitizeOps: false, sanitizeResources: false } as const;

/** Initialise jax-js on the wasm device. */
export async function useWasm(): Promise<void> {
  await init("wasm");
  defaultDevice("wasm");
}

/** A tiny Llama: 2 layers, 4 query heads over 2 KV heads, head_dim 8. */
export function tinyConfig(vocab: number, tied: boolean): LlamaConfig {
  return parseLlamaConfig({
    model_type: "llama",
    architectures: ["LlamaForCausalLM"],
    vocab_size: vocab,
    hidden_size: 32,
    intermediate_size: 48,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    head_dim: 8,
    max_position_embeddings: 128,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    tie_word_embeddings: tied,
    bos_token_id: 0,
    eos_token_id: 1,
    pad_token_id: 0,
    torch_dtype: "float32",
  });
}

/** A run config around `model` with a short warmup and a cosine over `steps`. */
export function runConfig(
  model: LlamaConfig,
  steps: number,
  batch = 4,
  seq = 16,
): TrainConfigInput {
  return {
    model,
    optimizer: { lr: 3e-3, minLr: 3e-4, warmupSteps: 3 },
    batch,
    seq,
    steps,
    seed: 11,
  };
}

/** A learnable stream: token i follows a fixed rule with a little structure; every other token trained. */
export function syntheticStream(vocab: number, length: number): TokenStream {
  const tokens = new Int32Array(length);
  const mask = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    tokens[i] = (i * 7 + Math.floor(i / 5)) % vocab;
    mask[i] = i % 2;
  }
  return { tokens, mask };
}

/** Small world sizes for fast tests. */
export const SMALL_WORLD = {
  countries: 6,
  citiesPerCountry: 3,
  people: 20,
  organizations: 8,
  products: 12,
};

/** A small world and its tokenizer (vocab 512). */
export function smallWorld(): { data: WorldData; tokenizer: Tokenizer; vocab: number } {
  const data = buildWorldData(7, { sizes: SMALL_WORLD, arithmeticTrain: 60, evalPerKind: 20 });
  const tok = trainWorldTokenizer(data, 512);
  return { data, tokenizer: new Tokenizer(tok.tokenizerJson, tok.tokenizerConfig), vocab: 512 };
}
