/**
 * Forges a set of Llama models that share one tokenizer into one file set: a folder per
 * model plus `manifest.json`.
 *
 * @module
 */
import type { LlamaConfig } from "./llama_config.ts";
import type { LlamaWeights } from "./weights.ts";
import { type FileSet, jsonBytes, llamaFolderFiles } from "./model_folder.ts";
import { type Manifest, manifestModel } from "./manifest.ts";
import { WeightsError } from "./errors.ts";

/** One model of a set. */
export interface ModelSetEntry {
  /** Name and folder of the model (e.g. "target"). */
  readonly name: string;
  /** Validated config. */
  readonly config: LlamaConfig;
  /** Weights under HF names. */
  readonly weights: LlamaWeights;
}

/** Tokenizer files shared by every model of a set. */
export interface SharedTokenizer {
  /** `tokenizer.json` content. */
  readonly tokenizerJson: Record<string, unknown>;
  /** `tokenizer_config.json` content. */
  readonly tokenizerConfig: Record<string, unknown>;
}

/** A forged set: every file (paths relative to the set's root) and its manifest. */
export interface ForgedSet {
  /** Files including `manifest.json`. */
  readonly files: FileSet;
  /** The manifest also written as `manifest.json`. */
  readonly manifest: Manifest;
}

/**
 * Forge every model of the set with the shared tokenizer. Throws {@link WeightsError} if a
 * config's vocab_size differs from the tokenizer's vocabulary.
 *
 * @example
 * ```ts
 * const { files } = await forgeModelSet([{ name: "target", config, weights }], tokenizer, false);
 * ```
 */
export async function forgeModelSet(
  models: readonly ModelSetEntry[],
  tokenizer: SharedTokenizer,
  includeSafetensors: boolean,
): Promise<ForgedSet> {
  const vocabSize = tokenizerVocabSize(tokenizer.tokenizerJson);
  const files: FileSet = new Map();
  const entries: Manifest["models"] = [];
  for (const model of models) {
    if (model.config.vocab_size !== vocabSize) {
      throw new WeightsError(
        `Cannot forge model '${model.name}' as 'vocab_size' must equal the tokenizer's ${vocabSize} tokens: current value is ${model.config.vocab_size}`,
      );
    }
    const folder = llamaFolderFiles({ ...model, ...tokenizer, includeSafetensors });
    for (const [path, bytes] of folder) files.set(`${model.name}/${path}`, bytes);
    entries.push(await manifestModel(model.name, model.name, model.config, folder));
  }
  const manifest: Manifest = { version: 1, generator: "verity-forge", models: entries };
  files.set("manifest.json", jsonBytes(manifest));
  return { files, manifest };
}

/** Number of ids in a tokenizer.json (model vocab and added tokens together). */
function tokenizerVocabSize(tokenizerJson: Record<string, unknown>): number {
  const ids = new Set<number>();
  const model = tokenizerJson.model as { vocab?: Record<string, number> } | undefined;
  for (const id of Object.values(model?.vocab ?? {})) ids.add(id);
  for (const token of (tokenizerJson.added_tokens ?? []) as { id: number }[]) ids.add(token.id);
  return ids.size === 0 ? 0 : Math.max(...ids) + 1;
}
