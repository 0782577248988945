/**
 * Export a Quiet-STaR model through the forge: the transformers.js folder of the base model
 * whose ONNX graph also outputs `mixing_weight` [batch, seq, 1], whose config.json declares
 * `quiet_star: { mixing_head: true, ... }`, plus `head.safetensors` (trainer layout) and,
 * optionally, `model.safetensors`.
 *
 * @module
 */
import type { LlamaConfig } from "../../llama_config.ts";
import { buildLlamaOnnx } from "../../llama_graph.ts";
import { type FileSet, jsonBytes, llamaFolderFiles, writeFileSet } from "../../model_folder.ts";
import { mixingHeadOutput } from "../../quiet_star_graph.ts";
import { type F32Tensor, writeSafetensors } from "../../safetensors.ts";
import type { LlamaWeights } from "../../weights.ts";

/** What the thinking model folder is made of. */
export interface ThinkingFolderInput {
  readonly config: LlamaConfig;
  readonly weights: LlamaWeights;
  /** Mixing head tensors (trainer layout). */
  readonly head: ReadonlyMap<string, F32Tensor>;
  readonly tokenizerJson: unknown;
  readonly tokenizerConfig: unknown;
  /** Recorded in config.json `quiet_star`: the k and t the model was trained with. */
  readonly trained?: { readonly k: number; readonly t: number; readonly steps: number };
  readonly includeSafetensors?: boolean;
}

/**
 * The files of a thinking model folder.
 *
 * @example
 * ```ts
 * const files = thinkingFolderFiles({ config, weights, head, tokenizerJson, tokenizerConfig });
 * ```
 */
export function thinkingFolderFiles(input: ThinkingFolderInput): FileSet {
  const files = llamaFolderFiles({
    config: input.config,
    weights: input.weights,
    tokenizerJson: input.tokenizerJson,
    tokenizerConfig: input.tokenizerConfig,
    includeSafetensors: input.includeSafetensors ?? false,
  });
  files.set(
    "config.json",
    jsonBytes({ ...input.config, quiet_star: { mixing_head: true, ...(input.trained ?? {}) } }),
  );
  files.set(
    "onnx/model.onnx",
    buildLlamaOnnx(input.config, input.weights, mixingHeadOutput(input.head)),
  );
  files.set("head.safetensors", writeSafetensors(input.head, { format: "pt" }));
  return files;
}

/**
 * Write the thinking model folder, reading the tokenizer files from `tokenizerDir`.
 *
 * @example
 * ```ts
 * await exportThinkingFolder("models/world/thinking", { config, weights, head }, "models/world");
 * ```
 */
export async function exportThinkingFolder(
  out: string,
  input: Omit<ThinkingFolderInput, "tokenizerJson" | "tokenizerConfig">,
  tokenizerDir: string,
): Promise<FileSet> {
  const files = thinkingFolderFiles({
    ...input,
    tokenizerJson: JSON.parse(await Deno.readTextFile(`${tokenizerDir}/tokenizer.json`)),
    tokenizerConfig: JSON.parse(await Deno.readTextFile(`${tokenizerDir}/tokenizer_config.json`)),
  });
  await writeFileSet(out, files);
  return files;
}
