/**
 * Training checkpoints: a folder with `model.safetensors` (Hugging Face names and layout,
 * readable by the forge), `optimizer.safetensors` (AdamW moments `m.<name>`, `v.<name>` in
 * the trainer's [in, out] layout) and `state.json` (step, run config, loss history).
 * Float32 values round-trip exactly, so a resumed run continues bit for bit.
 *
 * @module
 */
import { z } from "zod";
import { type F32Tensor, readSafetensors, writeSafetensors } from "../safetensors.ts";
import {
  type LlamaWeights,
  llamaWeightsFromSafetensors,
  llamaWeightsToSafetensors,
} from "../weights.ts";
import { TrainConfig } from "./config.ts";

/** `state.json` of a checkpoint. */
export const CheckpointState = z.object({
  version: z.literal(1),
  /** Optimizer steps taken. */
  step: z.number().int().nonnegative(),
  /** The run's settings. */
  config: TrainConfig,
  /** Loss of every step taken so far. */
  losses: z.array(z.number()),
});
/** `state.json` of a checkpoint. */
export type CheckpointState = z.infer<typeof CheckpointState>;

/** Everything a checkpoint holds, on the host. */
export interface Checkpoint {
  /** Step count, config and losses. */
  readonly state: CheckpointState;
  /** Model weights in HF layout. */
  readonly weights: LlamaWeights;
  /** First moments by parameter name (trainer layout). */
  readonly m: ReadonlyMap<string, F32Tensor>;
  /** Second moments by parameter name (trainer layout). */
  readonly v: ReadonlyMap<string, F32Tensor>;
}

/**
 * Write a checkpoint folder (created if needed; files replaced).
 *
 * @example
 * ```ts
 * await saveCheckpoint("runs/world/step-100", await trainer.checkpoint());
 * ```
 */
export async function saveCheckpoint(dir: string, checkpoint: Checkpoint): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const moments = new Map<string, F32Tensor>();
  for (const [name, t] of checkpoint.m) moments.set(`m.${name}`, t);
  for (const [name, t] of checkpoint.v) moments.set(`v.${name}`, t);
  await Deno.writeFile(`${dir}/model.safetensors`, llamaWeightsToSafetensors(checkpoint.weights));
  await Deno.writeFile(`${dir}/optimizer.safetensors`, writeSafetensors(moments, { format: "pt" }));
  await Deno.writeTextFile(`${dir}/state.json`, `${JSON.stringify(checkpoint.state)}\n`);
}

/**
 * Read and validate a checkpoint folder.
 *
 * @example
 * ```ts
 * const checkpoint = await loadCheckpoint("runs/world/step-100");
 * ```
 */
export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  const parsed = CheckpointState.safeParse(
    JSON.parse(await Deno.readTextFile(`${dir}/state.json`)),
  );
  if (!parsed.success) {
    throw new SyntaxError(
      `Cannot resume from '${dir}' as state.json is invalid: current value fails with ${
        parsed.error.issues[0]?.message
      }`,
    );
  }
  const state = parsed.data;
  const weights = llamaWeightsFromSafetensors(
    state.config.model,
    await Deno.readFile(`${dir}/model.safetensors`),
  );
  const moments = readSafetensors(await Deno.readFile(`${dir}/optimizer.safetensors`));
  const m = new Map<string, F32Tensor>();
  const v = new Map<string, F32Tensor>();
  for (const [name, t] of moments) {
    if (name.startsWith("m.")) m.set(name.slice(2), t);
    else if (name.startsWith("v.")) v.set(name.slice(2), t);
  }
  return { state, weights, m, v };
}
