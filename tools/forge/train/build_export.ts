/**
 * The last phase of the model-building pipeline: the finished runs exported through the
 * forge as ONNX model folders (target/, draft/) and PEFT adapters (adapters/<style>/), and
 * `manifest.json` with the sha256 and size of every file, parameter counts, training
 * configs and final losses. Reads only host checkpoints (no jax-js).
 *
 * @module
 */
import { z } from "zod";
import { LlamaConfig, llamaParameterCount } from "../llama_config.ts";
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

/** One exported model or adapter in the manifest. */
export const WorldManifestEntry = z.object({
  name: z.string(),
  kind: z.enum(["model", "lora"]),
  /** Folder relative to the manifest. */
  path: z.string(),
  /** Trained parameters (LoRA: the factors only). */
  parameters: z.number().int().positive(),
  /** The run's training settings (model config, optimizer, batch, steps, seed, LoRA). */
  training: z.record(z.string(), z.unknown()),
  steps: z.number().int().nonnegative(),
  final_loss: z.number(),
  final_loss_mean20: z.number(),
  files: z.array(z.object({ path: z.string(), sha256: z.string(), bytes: z.number() })),
});
/** One exported model or adapter in the manifest. */
export type WorldManifestEntry = z.infer<typeof WorldManifestEntry>;

/** `manifest.json` of the trained world models. */
export const WorldManifest = z.object({
  version: z.literal(1),
  generator: z.literal("verity-forge-world"),
  quick: z.boolean(),
  minutes: z.number(),
  draft: z.enum(["ce", "distill"]),
  entries: z.array(WorldManifestEntry),
  /** The world's data files (corpus, training data, evaluation sets, tokenizer). */
  world_files: z.array(z.object({ path: z.string(), sha256: z.string(), bytes: z.number() })),
});
/** `manifest.json` of the trained world models. */
export type WorldManifest = z.infer<typeof WorldManifest>;

async function fileEntries(prefix: string, files: FileSet): Promise<ManifestFile[]> {
  const out: ManifestFile[] = [];
  for (const [path, bytes] of files) {
    out.push({ path: `${prefix}${path}`, sha256: await sha256Hex(bytes), bytes: bytes.length });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
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
): Promise<WorldManifestEntry> {
  const ckpt = await loadCheckpoint(`${run}/checkpoint`);
  const config = ckpt.state.config.model;
  const files = await exportModelFolder(`${out}/${name}`, {
    config,
    weights: ckpt.weights,
    tokenizerDir: out,
  });
  return {
    name,
    kind: "model",
    path: name,
    parameters: llamaParameterCount(LlamaConfig.parse(config)),
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

/**
 * Check a manifest against the files on disk; returns the paths whose hash or size differ
 * (empty when everything matches).
 *
 * @example
 * ```ts
 * assert.deepEqual(await verifyWorldManifest("models/world"), []);
 * ```
 */
export async function verifyWorldManifest(out: string): Promise<string[]> {
  const manifest = WorldManifest.parse(JSON.parse(await Deno.readTextFile(`${out}/manifest.json`)));
  const bad: string[] = [];
  const all = [...manifest.world_files, ...manifest.entries.flatMap((e) => e.files)];
  for (const file of all) {
    try {
      const bytes = await Deno.readFile(`${out}/${file.path}`);
      if (bytes.length !== file.bytes || (await sha256Hex(bytes)) !== file.sha256) {
        bad.push(file.path);
      }
    } catch {
      bad.push(file.path);
    }
  }
  return bad;
}
