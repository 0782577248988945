/**
 * Settings of one training run: the model (a forge Llama config), the optimizer and
 * schedule, the batch shape, the step count and the seed.
 *
 * @module
 */
import { z } from "zod";
import { LlamaConfig } from "../llama_config.ts";
import { AdamWConfig } from "./adamw.ts";

/** A training run's settings (stored in every checkpoint). */
export const TrainConfig = z.object({
  /** The model to train (Hugging Face config.json fields). */
  model: LlamaConfig,
  /** AdamW and schedule. */
  optimizer: AdamWConfig,
  /** Rows per step. */
  batch: z.number().int().positive(),
  /** Tokens per row. */
  seq: z.number().int().positive(),
  /** Total optimizer steps of the run (sets the cosine schedule). */
  steps: z.number().int().positive(),
  /** Seed of the initial weights and of the data order. */
  seed: z.number().int().nonnegative(),
  /**
   * Compute the head and softmax only at positions that carry loss (see loss.ts). Off by
   * default: at the target size (8 x 128, vocab 1024) it measured no faster on wasm
   * (1721 vs 1727 ms CPU per step, interleaved; tools/forge/train/bench_head.ts).
   */
  gathered: z.boolean().default(false),
  /** Distill toward a frozen teacher: loss = (1 - kl) * CE + kl * KL(teacher || model). */
  distill: z.object({ teacher: LlamaConfig, kl: z.number().min(0).max(1) }).optional(),
});
/** A training run's settings. */
export type TrainConfig = z.infer<typeof TrainConfig>;
/** A training run's settings before defaults are filled in. */
export type TrainConfigInput = z.input<typeof TrainConfig>;
