/**
 * What the decode benchmark runs: the fixed prompt set, batch sizes, tokens per row,
 * repetitions and warm-up, full and `--quick`. Shared by Deno and the browser page.
 *
 * @module
 */
import { z } from "zod";
import type { DecodeEp } from "./decode_measure.ts";
import { WarmupPlan } from "./decode_warmup.ts";

/** Eight different prompts (4 to 14 tokens with the fixture tokenizer); batch B uses the first B. */
export const PROMPTS: readonly string[] = [
  "The river runs past the old mill",
  "Hello there, who are you?",
  "Alice lives in",
  "What is 3 plus 4?",
  "Bob works at the",
  "Tell me about the city of",
  "Question: where is",
  "The capital of",
];

/** Seed of every Verity request (greedy at temperature 0, so it only pins the RNG stream). */
export const SEED = 1234;

/** Settings of one execution provider's configurations. */
export const EpPlan = z.object({
  /** N: tokens per row of the total run. */
  newTokens: z.number().int().min(2),
  /** Timed repetitions per configuration (after one warm-up of each run). */
  reps: z.number().int().min(1),
  /** Warm-up of each freshly loaded engine or page (decode_warmup.ts). */
  warmup: WarmupPlan,
});
/** Settings of one execution provider's configurations. */
export type EpPlan = z.infer<typeof EpPlan>;

/** One run's settings. */
export const DecodePlan = z.object({
  batches: z.array(z.number().int().min(1).max(PROMPTS.length)).min(1),
  wasm: EpPlan,
  /** null: the WebGPU rows are skipped. */
  webgpu: EpPlan.nullable(),
});
/** One run's settings. */
export type DecodePlan = z.infer<typeof DecodePlan>;

/**
 * The plan of a full or quick run. Quick (meant to finish within 60 s on 2 idle cores)
 * generates fewer tokens, repeats less, barely warms up (so its wasm figures are mostly
 * pre-optimization ones) and skips the WebGPU rows (software adapters compile shaders for tens
 * of seconds). WebGPU rows use fewer tokens than wasm: a software adapter decodes batch 1 at
 * about 10 tokens/s.
 *
 * @example
 * ```ts
 * planFor(true).webgpu; // null
 * ```
 */
export function planFor(quick: boolean): DecodePlan {
  return quick
    ? {
      batches: [1, 4, 8],
      wasm: {
        newTokens: 16,
        reps: 3,
        warmup: { tokens: 16, minMs: 5000, patienceMs: 0, maxMs: 5000 },
      },
      webgpu: null,
    }
    : {
      batches: [1, 4, 8],
      wasm: {
        newTokens: 64,
        // Many cheap repetitions: rates on a shared machine swing 2x from second to second.
        reps: 15,
        warmup: { tokens: 16, minMs: 50_000, patienceMs: 15_000, maxMs: 100_000 },
      },
      // GPU-bound on a software adapter: the first run compiles the shaders, then rates are flat.
      webgpu: {
        newTokens: 16,
        reps: 3,
        warmup: { tokens: 4, minMs: 5_000, patienceMs: 0, maxMs: 5_000 },
      },
    };
}

/** The settings of one execution provider, or null when the plan skips it. */
export function epPlan(plan: DecodePlan, ep: DecodeEp): EpPlan | null {
  return ep === "wasm" ? plan.wasm : plan.webgpu;
}

/** The prompts of a batch of `size` rows. */
export function promptsFor(size: number): string[] {
  return PROMPTS.slice(0, size);
}
