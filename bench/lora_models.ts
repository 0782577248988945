/**
 * Models of the LoRA benchmark, forged in memory: a Llama big enough for the measurement to mean
 * something on wasm (hidden 256, 4 layers, 8 heads / 4 KV heads, intermediate 688, vocab 512
 * from the fixture tokenizer), with and without LoRA slots on all seven projections (9 slots:
 * slot 0 plus 8 adapters, r_max 8), its rank-8 seeded PEFT adapters, and the base with one
 * adapter merged into the weights (W + scaling * B A).
 *
 * @module
 */
import { fixtureTokenizer } from "../tools/forge/fixtures.ts";
import {
  type LlamaConfig,
  LORA_TARGET_MODULES,
  parseLlamaConfig,
} from "../tools/forge/llama_config.ts";
import {
  type ForgedLoraAdapter,
  forgeLoraAdapter,
  loraAdapterFiles,
  mergeLoraWeights,
} from "../tools/forge/lora_adapter.ts";
import { llamaFolderFiles } from "../tools/forge/model_folder.ts";
import { initLlamaWeights, type LlamaWeights } from "../tools/forge/weights.ts";
import type { PeftAdapterFiles } from "../client/adapters/source.ts";

/** Adapters served together (8 rows, 8 different adapters). */
export const BENCH_ADAPTERS = 8;
/** Rank of every bench adapter (all target modules). */
export const BENCH_RANK = 8;

/** The bench models and adapters. */
export interface LoraBenchModels {
  readonly label: string;
  readonly lora: LlamaConfig;
  readonly plain: LlamaConfig;
  readonly weights: LlamaWeights;
  readonly adapters: readonly ForgedLoraAdapter[];
}

/** Forge the bench's configs, base weights and adapters. */
export function loraBenchModels(): LoraBenchModels {
  const tok = fixtureTokenizer();
  const plain = parseLlamaConfig({
    model_type: "llama",
    architectures: ["LlamaForCausalLM"],
    vocab_size: tok.bpe.vocab.size,
    hidden_size: 256,
    intermediate_size: 688,
    num_hidden_layers: 4,
    num_attention_heads: 8,
    num_key_value_heads: 4,
    head_dim: 32,
    max_position_embeddings: 512,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    tie_word_embeddings: false,
    bos_token_id: tok.ids.endoftext,
    eos_token_id: tok.ids.imEnd,
    pad_token_id: tok.ids.endoftext,
    torch_dtype: "float32",
  });
  const lora = parseLlamaConfig({
    ...plain,
    lora: { slots: BENCH_ADAPTERS + 1, r_max: BENCH_RANK, targets: [...LORA_TARGET_MODULES] },
  });
  const adapters = Array.from({ length: BENCH_ADAPTERS }, (_, i) =>
    forgeLoraAdapter(lora, {
      name: `bench_${i}`,
      seed: 500 + i,
      r: BENCH_RANK,
      lora_alpha: 2 * BENCH_RANK,
      target_modules: [...LORA_TARGET_MODULES],
    }));
  return {
    label:
      "forged Llama, hidden 256, 4 layers, 8 heads / 4 KV heads, intermediate 688, vocab 512, seeded random weights; adapters rank 8 on all 7 projections",
    lora,
    plain,
    weights: initLlamaWeights(plain, 4242),
    adapters,
  };
}

/** A model folder as in-memory files. */
export function folderBytes(
  config: LlamaConfig,
  weights: LlamaWeights,
): Record<string, Uint8Array> {
  const tok = fixtureTokenizer();
  return Object.fromEntries(llamaFolderFiles({
    config,
    weights,
    tokenizerJson: tok.tokenizerJson,
    tokenizerConfig: tok.tokenizerConfig,
  }));
}

/** The base folder with one adapter merged into the weights. */
export function mergedFolderBytes(
  m: LoraBenchModels,
  adapter: ForgedLoraAdapter,
): Record<string, Uint8Array> {
  return folderBytes(m.plain, mergeLoraWeights(m.weights, adapter));
}

/** An adapter's PEFT files. */
export function adapterFiles(adapter: ForgedLoraAdapter): PeftAdapterFiles {
  const files = loraAdapterFiles(adapter);
  return {
    config: JSON.parse(new TextDecoder().decode(files.get(`${adapter.name}/adapter_config.json`)!)),
    weights: files.get(`${adapter.name}/adapter_model.safetensors`)!,
  };
}
