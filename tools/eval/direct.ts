/**
 * Direct answers (no pipeline stage): the question as one user turn through the model's
 * chat template, greedy, via runPipeline with an empty pipeline (the chat's path when every
 * toggle is off but the answer still goes through the pipeline driver). Answers are memoized
 * per context and set, so the closed-book section and the sections that pair with it
 * (Self-RAG, S2A) decode them once per run.
 *
 * @module
 */
import { runPipeline } from "../../client/pipelines/run_pipeline.ts";
import type { ChatMessage } from "../../shared/pipeline.ts";
import type { EvalContext } from "./context.ts";
import type { EvalItem } from "./items.ts";
import { type Failures, guard } from "./failures.ts";
import { runPool } from "./pool.ts";

/** Token budget of a short factual answer ("The capital of Boria is Tenholm."). */
export const QA_MAX_TOKENS = 48;

/** Direct answers to a list of questions and the items that failed. */
export interface DirectAnswers {
  /** One output per question ("" for a failed item). */
  readonly outputs: string[];
  readonly failures: Failures;
}

const MEMO = new WeakMap<EvalContext, Map<string, Promise<DirectAnswers>>>();

/** One user turn. */
export function userTurn(content: string): ChatMessage[] {
  return [{ role: "user", content }];
}

/**
 * Greedy direct answers to `questions` on the target engine, `label` naming the progress.
 *
 * @example
 * ```ts
 * const { outputs } = await directAnswers(ctx, "closed_book corpus_only", items.map((i) => i.question));
 * ```
 */
export function directAnswers(
  ctx: EvalContext,
  label: string,
  questions: readonly string[],
  options: { readonly s2aFilter?: boolean } = {},
): Promise<DirectAnswers> {
  let memo = MEMO.get(ctx);
  if (memo === undefined) MEMO.set(ctx, memo = new Map());
  const key = JSON.stringify([options.s2aFilter === true, questions]);
  let answers = memo.get(key);
  if (answers === undefined) {
    answers = (async () => {
      const engine = await ctx.engine("target");
      const failures: Failures = [];
      const outputs = await runPool(
        questions,
        (question) =>
          guard(ctx, label, failures, async () => {
            const run = await runPipeline({
              edgeUrl: ctx.edgeUrl,
              engine,
              pipeline: [],
              messages: userTurn(question),
              options: { max_tokens: QA_MAX_TOKENS, temperature: 0 },
              ...(options.s2aFilter === true ? { s2aFilter: true } : {}),
              ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}),
            });
            return run.output;
          }, ""),
        { label, log: (l) => ctx.log(l), ...(ctx.signal ? { signal: ctx.signal } : {}) },
      );
      return { outputs, failures };
    })();
    memo.set(key, answers);
    // A failed run is not cached: a later section may retry.
    answers.catch(() => memo.delete(key));
  }
  return answers;
}

/**
 * Direct answers to the items of an evaluation set (memoized by question list).
 */
export function directAnswersFor(
  ctx: EvalContext,
  label: string,
  items: readonly EvalItem[],
): Promise<DirectAnswers> {
  return directAnswers(ctx, label, items.map((i) => i.question));
}

/**
 * Log the first `n` (question, output) pairs of a method, so a run's stderr shows what the
 * model actually answered.
 */
export function logExamples(
  ctx: EvalContext,
  label: string,
  questions: readonly string[],
  outputs: readonly string[],
  n = 2,
): void {
  for (let i = 0; i < Math.min(n, questions.length); i++) {
    const clip = (s: string) => JSON.stringify(s.length > 160 ? `${s.slice(0, 157)}...` : s);
    ctx.log(`  ${label} example: ${clip(questions[i]!)} -> ${clip(outputs[i] ?? "")}`);
  }
}
