/**
 * What the decode benchmark runs: the fixed prompt set, batch sizes, tokens per row and
 * repetitions, full and `--quick`. Shared by Deno and the browser page.
 *
 * @module
 */
import { z } from "zod";

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

/** One run's settings (crosses into the page, so zod-checked there). */
export const DecodePlan = z.object({
  batches: z.array(z.number().int().min(1).max(PROMPTS.length)).min(1),
  /** N: tokens per row of the total run. */
  newTokens: z.number().int().min(2),
  /** Timed repetitions per configuration (after one warm-up). */
  reps: z.number().int().min(1),
  /** Run the WebGPU rows. */
  webgpu: z.boolean(),
});
/** One run's settings. */
export type DecodePlan = z.infer<typeof DecodePlan>;

/**
 * The plan of a full or quick run. Quick (within 60 s on 2 cores) generates fewer tokens,
 * repeats less and skips the WebGPU rows (software adapters compile shaders for seconds).
 *
 * @example
 * ```ts
 * planFor(true); // { batches: [1, 4, 8], newTokens: 16, reps: 2, webgpu: false }
 * ```
 */
export function planFor(quick: boolean): DecodePlan {
  return quick
    ? { batches: [1, 4, 8], newTokens: 16, reps: 2, webgpu: false }
    : { batches: [1, 4, 8], newTokens: 64, reps: 5, webgpu: true };
}

/** The prompts of a batch of `size` rows. */
export function promptsFor(size: number): string[] {
  return PROMPTS.slice(0, size);
}
