/**
 * The last phase of the model-building pipeline: the finished runs exported through the
 * forge as ONNX model folders (target/, draft/; target_lora/ in build_export_lora.ts) and PEFT
 * adapters (adapters/<style>/), and the world's file hashes for `manifest.json`
 * (world_manifest.ts). Reads only host checkpoints (no jax-js).
 *
 * @module
 */
import { llamaParameterCount, type LoraSlotsConfig, parseLlamaConfig } from "../llama_config.ts";
import { loraAdapterFiles } from "../lora_adapter.ts";
import { type ManifestFile, sha256Hex } from "../manifest.ts";
import { type F32Tensor, readSafetensors } from "../safetensors.ts";
import type { FileSet } from "../model_folder.ts";
import { writeFileSet } from "../model_folder.ts";
import { type JobResult } from "./build_job.ts";
import { loadCheckpoint } from "./checkpoint.ts";
import { exportModelFolder } from "./export.ts";
import { LoraTrainConfig } from "./lora_trainer.ts";
import { toPeftAdapter } from "./lora_params.ts";
import type { WorldManifestEntry } from "./world_manifest.ts";

export { verifyWorldManifest, WorldManifest, WorldManifestEntry } from "./world_manifest.ts";

/** Manifest file entries of a file set, each path prefixed by `prefix`, sorted by path. */
export async function fileEntries(prefix: string, files: FileSet): Promise<ManifestFile[]> {
  const out: ManifestFile[] = [];
  for (const [path, bytes] of files) {
    out.push({ path: `${prefix}${path}`, sha256: await sha256Hex(bytes), bytes: bytes.length });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** What {@link exportModelRun} adds to a plain export. */
export interface ModelRunExtra {
  /** LoRA slot inputs of the exported graph (the run's weights stay as they are). */
  readonly lora?: LoraSlotsConfig;
  /** Name of the plain model's entry this one shares weights with. */
  readonly base?: string;
}

/**
 * Export a finished full-model run as an ONNX folder `<out>/<name>`; returns its entry.
 *
 * @example
 * ```ts
 * await exportModelRun("models/world", "target", "runs/forge-world/target", result);
 * ```
 */
export async function exportModelRun(
  out: string,
  name: string,
  run: string,
  result: JobResult,
  extra: ModelRunExtra = {},
): Promise<WorldManifestEntry> {
  const ckpt = await loadCheckpoint(`${run}/checkpoint`);
  const config = parseLlamaConfig({
    ...ckpt.state.config.model,
    ...(extra.lora !== undefined ? { lora: extra.lora } : {}),
  });
  const files = await exportModelFolder(`${out}/${name}`, {
    config: extra.lora !== undefined ? config : ckpt.state.config.model,
    weights: ckpt.weights,
    tokenizerDir: out,
  });
  return {
    name,
    kind: "model",
    path: name,
    ...(extra.base !== undefined ? { base: extra.base } : {}),
    parameters: llamaParameterCount(config),
    training: { ...ckpt.state.config },
    steps: ckpt.state.step,
    final_loss: result.final_loss,
    final_loss_mean20: result.final_loss_mean20,
    files: await fileEntries(`${name}/`, files),
  };
}

/**
 * Export a finished LoRA run as PEFT files `<out>/adapters/<style>/`; returns its entry.
 *
 * @example
 * ```ts
 * await exportAdapterRun("models/world", "terse", "runs/forge-world/adapter-terse", result);
 * ```
 */
export async function exportAdapterRun(
  out: string,
  style: string,
  run: string,
  result: JobResult,
): Promise<WorldManifestEntry> {
  const state = JSON.parse(await Deno.readTextFile(`${run}/checkpoint/state.json`));
  const config = LoraTrainConfig.parse(state.config);
  const saved = readSafetensors(await Deno.readFile(`${run}/checkpoint/lora.safetensors`));
  const factors = new Map<string, F32Tensor>();
  for (const [key, t] of saved) if (key.startsWith("p.")) factors.set(key.slice(2), t);
  const adapter = toPeftAdapter(style, config.model, config.lora, factors);
  const files = loraAdapterFiles(adapter);
  await writeFileSet(`${out}/adapters`, files);
  let parameters = 0;
  for (const t of factors.values()) parameters += t.data.length;
  return {
    name: `adapter-${style}`,
    kind: "lora",
    path: `adapters/${style}`,
    parameters,
    training: { ...config },
    steps: Number(state.step),
    final_loss: result.final_loss,
    final_loss_mean20: result.final_loss_mean20,
    files: await fileEntries("adapters/", files),
  };
}

/**
 * Hash the world's data files (everything in `paths`, relative to `out`).
 *
 * @example
 * ```ts
 * await worldFileEntries("models/world", ["tokenizer.json"]);
 * ```
 */
export async function worldFileEntries(
  out: string,
  paths: readonly string[],
): Promise<ManifestFile[]> {
  const files: FileSet = new Map();
  for (const path of paths) files.set(path, await Deno.readFile(`${out}/${path}`));
  return await fileEntries("", files);
}
