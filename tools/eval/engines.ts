/**
 * Engines over the world's model folders for the evaluation: in-process (client/engine
 * createEngine), wasm, onnxruntime single-threaded (as the engine tests run it under Deno).
 * `target_lora` gets the world's PEFT adapters (`adapters/<id>/`) as its adapter source.
 *
 * @module
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Engine } from "../../client/engine/api.ts";
import { createEngine } from "../../client/engine/engine.ts";
import { configureOrt } from "../../client/engine/ort.ts";
import { UrlAdapterSource } from "../../client/adapters/map_source.ts";
import type { EvalModel } from "./context.ts";

/** Rows decoded together: requests of concurrent pipelines share these batches. */
export const EVAL_MAX_BATCH = 16;
/** onnxruntime wasm threads (one: multi-threaded wasm is not used under Deno). */
export const ORT_THREADS = 1;

/** Whether `path` is a folder holding a model (config.json). */
export async function hasModel(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(`${path}/config.json`)).isFile;
  } catch {
    return false;
  }
}

/** Settings of {@link createEvalEngine}. */
export interface EvalEngineOptions {
  /** Also load `${modelsDir}/draft` as the draft of speculative decoding. */
  readonly withDraft?: boolean;
  readonly maxBatch?: number;
}

/**
 * An engine over `${modelsDir}/${model}`; throws a clear error when the folder is missing.
 *
 * @example
 * ```ts
 * const engine = await createEvalEngine("models/world", "target");
 * ```
 */
export async function createEvalEngine(
  modelsDir: string,
  model: EvalModel,
  options: EvalEngineOptions = {},
): Promise<Engine> {
  const path = `${modelsDir}/${model}`;
  if (!(await hasModel(path))) {
    throw new Error(
      `Cannot create the '${model}' engine as its model folder has no config.json: current path is "${path}"`,
    );
  }
  const draft = `${modelsDir}/draft`;
  if (options.withDraft === true && !(await hasModel(draft))) {
    throw new Error(
      `Cannot create a speculative engine as the draft folder has no config.json: current path is "${draft}"`,
    );
  }
  configureOrt({ numThreads: ORT_THREADS });
  const adapters = model === "target_lora"
    ? { adapters: new UrlAdapterSource(pathToFileURL(`${resolve(modelsDir)}/adapters/`)) }
    : {};
  return await createEngine({
    model: { kind: "path", path },
    ...(options.withDraft === true ? { draft: { kind: "path", path: draft } } : {}),
    name: model,
    ep: "wasm",
    maxBatch: options.maxBatch ?? EVAL_MAX_BATCH,
  }, adapters);
}
