/**
 * The eight chat prompts the speculative and LoRA benches send (batch B uses the first B), so
 * both suites measure the same requests.
 *
 * @module
 */

/** Eight prompts of different lengths. */
export const BENCH_PROMPTS: readonly string[] = [
  "The river",
  "Once upon a time there was a small town",
  "Numbers: 1 2 3 4 5 6 7",
  "A much longer prompt about the old mill and the river that runs past it",
  "Hello",
  "Why is the sky blue?",
  "The old mill",
  "Tell me a story about a fox",
];
