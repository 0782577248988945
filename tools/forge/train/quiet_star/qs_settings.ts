/**
 * Settings and checkpoint state of a Quiet-STaR run (zod), and the checkpoint folder:
 * `model.safetensors` (base weights, HF layout), `head.safetensors` (mixing head, trainer
 * layout), `optimizer.safetensors` (AdamW moments of both groups) and `state.json`.
 *
 * @module
 */
import { z } from "zod";
import { LlamaConfig } from "../../llama_config.ts";
import { type F32Tensor, readSafetensors, writeSafetensors } from "../../safetensors.ts";
import {
  type LlamaWeights,
  llamaWeightsFromSafetensors,
  llamaWeightsToSafetensors,
} from "../../weights.ts";
import { AdamWConfig } from "../adamw.ts";

/** What a Quiet-STaR run does. */
export const QsSettings = z.object({
  model: LlamaConfig,
  batch: z.number().int().positive(),
  seq: z.number().int().positive(),
  positions: z.number().int().positive(),
  k: z.number().int().min(2),
  t: z.number().int().positive(),
  ahead: z.number().int().positive(),
  optimizer: AdamWConfig,
  /** Peak learning rate of the mixing head (the base model uses optimizer.lr). */
  headLr: z.number().positive(),
  steps: z.number().int().positive(),
  seed: z.number().int().nonnegative(),
  /** Token ids of the thought markers and padding. */
  tokens: z.object({
    sot: z.number().int().nonnegative(),
    eot: z.number().int().nonnegative(),
    pad: z.number().int().nonnegative(),
  }),
});
/** What a Quiet-STaR run does. */
export type QsSettings = z.infer<typeof QsSettings>;
/** What a Quiet-STaR run does, before defaults. */
export type QsSettingsInput = z.input<typeof QsSettings>;

/** Per-step statistics. */
export const QsStepStats = z.object({
  loss: z.number(),
  baseNll: z.number(),
  mixedNll: z.number(),
  reinforce: z.number(),
  meanW: z.number(),
  gain: z.number(),
});
/** Per-step statistics. */
export type QsStepStats = z.infer<typeof QsStepStats>;

/** `state.json` of a Quiet-STaR checkpoint. */
export const QsState = z.object({
  version: z.literal(1),
  kind: z.literal("quiet_star"),
  step: z.number().int().nonnegative(),
  settings: QsSettings,
  history: z.array(QsStepStats),
});
/** `state.json` of a Quiet-STaR checkpoint. */
export type QsState = z.infer<typeof QsState>;

/** A checkpoint on the host. */
export interface QsCheckpoint {
  readonly state: QsState;
  readonly weights: LlamaWeights;
  readonly head: ReadonlyMap<string, F32Tensor>;
  /** Moments as `m.<name>` / `v.<name>` over both groups (trainer layout). */
  readonly moments: ReadonlyMap<string, F32Tensor>;
}

/** Write a checkpoint folder (created if needed). */
export async function saveQsCheckpoint(dir: string, c: QsCheckpoint): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeFile(`${dir}/model.safetensors`, llamaWeightsToSafetensors(c.weights));
  await Deno.writeFile(`${dir}/head.safetensors`, writeSafetensors(c.head, { format: "pt" }));
  await Deno.writeFile(
    `${dir}/optimizer.safetensors`,
    writeSafetensors(c.moments, { format: "pt" }),
  );
  await Deno.writeTextFile(`${dir}/state.json`, `${JSON.stringify(c.state)}\n`);
}

/** Read and validate a checkpoint folder. */
export async function loadQsCheckpoint(dir: string): Promise<QsCheckpoint> {
  const parsed = QsState.safeParse(JSON.parse(await Deno.readTextFile(`${dir}/state.json`)));
  if (!parsed.success) {
    throw new SyntaxError(
      `Cannot resume from '${dir}' as state.json is not a Quiet-STaR state: current value fails with ${
        parsed.error.issues[0]?.message
      }`,
    );
  }
  const state = parsed.data;
  return {
    state,
    weights: llamaWeightsFromSafetensors(
      state.settings.model,
      await Deno.readFile(`${dir}/model.safetensors`),
    ),
    head: readSafetensors(await Deno.readFile(`${dir}/head.safetensors`)),
    moments: readSafetensors(await Deno.readFile(`${dir}/optimizer.safetensors`)),
  };
}
