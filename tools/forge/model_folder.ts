/**
 * Assembles a model folder in the transformers.js layout (config.json,
 * generation_config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx, and
 * optionally model.safetensors) as in-memory files, and writes file sets to disk.
 *
 * @module
 */
import type { LlamaConfig } from "./llama_config.ts";
import { buildLlamaOnnx } from "./llama_graph.ts";
import { type LlamaWeights, llamaWeightsToSafetensors } from "./weights.ts";

/** Relative path (forward slashes) -> file bytes, in insertion order. */
export type FileSet = Map<string, Uint8Array>;

/** What a model folder is made of. */
export interface LlamaFolderInput {
  /** Validated model config. */
  readonly config: LlamaConfig;
  /** Weights under HF names. */
  readonly weights: LlamaWeights;
  /** `tokenizer.json` content. */
  readonly tokenizerJson: unknown;
  /** `tokenizer_config.json` content. */
  readonly tokenizerConfig: unknown;
  /** Also write the weights as `model.safetensors`. */
  readonly includeSafetensors?: boolean;
}

/**
 * Stable, human-readable JSON file bytes (2-space indent, trailing newline).
 *
 * @example
 * ```ts
 * jsonBytes({ a: 1 }); // bytes of "{\n  \"a\": 1\n}\n"
 * ```
 */
export function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * The files of one Llama model folder.
 *
 * @example
 * ```ts
 * const files = llamaFolderFiles({ config, weights, tokenizerJson, tokenizerConfig });
 * ```
 */
export function llamaFolderFiles(input: LlamaFolderInput): FileSet {
  const { config } = input;
  const files: FileSet = new Map();
  files.set("config.json", jsonBytes(config));
  files.set(
    "generation_config.json",
    jsonBytes({
      bos_token_id: config.bos_token_id,
      eos_token_id: config.eos_token_id,
      pad_token_id: config.pad_token_id,
      do_sample: false,
      max_length: config.max_position_embeddings,
    }),
  );
  files.set("tokenizer.json", jsonBytes(input.tokenizerJson));
  files.set("tokenizer_config.json", jsonBytes(input.tokenizerConfig));
  files.set("onnx/model.onnx", buildLlamaOnnx(config, input.weights));
  if (input.includeSafetensors === true) {
    files.set("model.safetensors", llamaWeightsToSafetensors(input.weights));
  }
  return files;
}

/**
 * Write a file set under `dir`, creating folders as needed.
 *
 * @example
 * ```ts
 * await writeFileSet("models/fixtures", files);
 * ```
 */
export async function writeFileSet(dir: string, files: FileSet): Promise<void> {
  for (const [path, bytes] of files) {
    const full = `${dir}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await Deno.writeFile(full, bytes);
  }
}
