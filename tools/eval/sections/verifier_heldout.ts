/**
 * The learned verifier on held-out problems' correct and flawed solutions
 * (tools/forge/world/verifier_data.ts heldOutSolutions: the solver's correct solution and one
 * flawed one per problem, flaws drawn like the training data's), asked exactly as best_of_n
 * asks it: the edge's default verifier prompt, scores of the accept and reject strings through
 * the client's action runner (multi-token strings as products of their pieces), score =
 * p(accept) / (p(accept) + p(reject)). A solution is judged correct when its score is above
 * 1/2.
 *
 * @module
 */
import type { Engine } from "../../../client/engine/api.ts";
import { runAction } from "../../../client/pipelines/run_action.ts";
import { learnedScore, verifierPrompt } from "../../../functions/pipeline/best_of_n/verifier.ts";
import type { GenerateRequest } from "../../../shared/pipeline.ts";
import {
  DEFAULT_VERIFIER_FORMAT,
  heldOutSolutions,
  type LabeledSolution,
} from "../../forge/world/verifier_data.ts";
import type { EvalItem } from "../items.ts";

/** Requests per verifier batch. */
export const HELDOUT_BATCH = 64;

/** One judged solution. */
export interface Judged {
  readonly solution: LabeledSolution;
  /** p(accept) / (p(accept) + p(reject)). */
  readonly score: number;
  /** The verdict (score > 1/2) equals the label. */
  readonly right: boolean;
}

/**
 * Score the held-out items' labelled solutions with the verifier engine.
 *
 * @example
 * ```ts
 * const judged = await judgeHeldOut(await ctx.engine("verifier"), items, 7);
 * judged.filter((j) => j.right).length / judged.length; // verifier accuracy
 * ```
 */
export async function judgeHeldOut(
  verifier: Engine,
  items: readonly EvalItem[],
  seed: number,
  signal?: AbortSignal,
): Promise<Judged[]> {
  const { template, accept, reject } = DEFAULT_VERIFIER_FORMAT;
  const solutions = heldOutSolutions(items, seed);
  const out: Judged[] = [];
  for (let at = 0; at < solutions.length; at += HELDOUT_BATCH) {
    const batch = solutions.slice(at, at + HELDOUT_BATCH);
    const requests: GenerateRequest[] = batch.map((s, i) => ({
      id: `heldout.${at + i}`,
      prompt: verifierPrompt(template, s.question, s.solution),
      max_tokens: 0,
      temperature: 0,
      stop: [],
      score_tokens: [accept, reject],
      role: "verifier",
    }));
    const results = await runAction(
      { engine: verifier, ...(signal !== undefined ? { signal } : {}) },
      requests,
    );
    batch.forEach((solution, i) => {
      const score = learnedScore(results[i]?.scores ?? {}, accept, reject);
      out.push({ solution, score, right: (score > 0.5) === solution.correct });
    });
  }
  return out;
}
