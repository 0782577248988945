/**
 * Verity's side of the decode benchmark: `engine.generate()` of a batch of the fixed prompts
 * (greedy, fixed seed). Runs under Deno and in the bench page alike; the caller creates the
 * engine (by path or by URL) and times the run (`timed`, `measureInterleaved`).
 *
 * @module
 */
import type { Engine } from "../client/engine/api.ts";
import type { BatchRun } from "./decode_measure.ts";
import { promptsFor, SEED } from "./decode_plan.ts";

/**
 * A {@link BatchRun} generating the first `batch` prompts with Verity; counts the tokens each
 * row actually produced (`results[i].tokens.length`).
 *
 * @example
 * ```ts
 * const { newTokens } = await verityBatchRun(engine, 4)(64);
 * ```
 */
export function verityBatchRun(engine: Engine, batch: number): BatchRun {
  const prompts = promptsFor(batch);
  return async (maxTokens) => {
    const results = await engine.generate(prompts.map((prompt, i) => ({
      id: `row${i}`,
      prompt,
      max_tokens: maxTokens,
      temperature: 0,
      seed: SEED,
    })));
    return {
      promptTokens: results.reduce((s, r) => s + r.usage.prompt_tokens, 0),
      newTokens: results.reduce((s, r) => s + r.tokens.length, 0),
    };
  };
}
