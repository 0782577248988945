/**
 * Export trained weights through the forge as a transformers.js ONNX model folder
 * (config.json, generation_config.json, tokenizer files, onnx/model.onnx, optionally
 * model.safetensors).
 *
 * @module
 */
import type { LlamaConfig } from "../llama_config.ts";
import { type FileSet, llamaFolderFiles, writeFileSet } from "../model_folder.ts";
import type { LlamaWeights } from "../weights.ts";

/** Inputs of {@link exportModelFolder}. */
export interface ExportInput {
  /** The trained model's config. */
  readonly config: LlamaConfig;
  /** Trained weights in HF layout. */
  readonly weights: LlamaWeights;
  /** Folder holding tokenizer.json and tokenizer_config.json. */
  readonly tokenizerDir: string;
  /** Also write model.safetensors. */
  readonly safetensors?: boolean;
}

/**
 * Build and write the ONNX model folder; returns the files written.
 *
 * @example
 * ```ts
 * await exportModelFolder("models/world/target", { config, weights, tokenizerDir: "models/world" });
 * ```
 */
export async function exportModelFolder(out: string, input: ExportInput): Promise<FileSet> {
  const files = llamaFolderFiles({
    config: input.config,
    weights: input.weights,
    tokenizerJson: JSON.parse(await Deno.readTextFile(`${input.tokenizerDir}/tokenizer.json`)),
    tokenizerConfig: JSON.parse(
      await Deno.readTextFile(`${input.tokenizerDir}/tokenizer_config.json`),
    ),
    includeSafetensors: input.safetensors ?? false,
  });
  await writeFileSet(out, files);
  return files;
}
