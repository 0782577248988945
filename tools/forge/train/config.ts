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
});
/** A training run's settings. */
export type TrainConfig = z.infer<typeof TrainConfig>;
/** A training run's settings before defaults are filled in. */
export type TrainConfigInput = z.input<typeof TrainConfig>;
