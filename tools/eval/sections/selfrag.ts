/**
 * Section "selfrag": Self-RAG with adaptive retrieval (the edge's defaults: delta 0.2, k 5,
 * beam 2, depth 2, reflection tokens) through the real pipeline, on corpus-only facts (where
 * retrieval is needed) and seen facts (where it should not hurt). Reports accuracy, the
 * retrieval rate (items whose gate retrieved) and the paired gain over closed-book answers on
 * the same items. `context_tokens` is the model's window so packed passages fit it.
 *
 * The generator is the world's Self-RAG reader (`reader/`, the target fine-tuned on
 * retrieval-augmented examples, as Asai et al. 2023 train theirs) when the world has one; the
 * same pipeline with the plain target as generator is reported beside it (`selfrag_target`).
 * The closed-book baseline is always the target's.
 *
 * @module
 */
import type { Engine } from "../../../client/engine/api.ts";
import { runPipeline } from "../../../client/pipelines/run_pipeline.ts";
import type { TraceEvent } from "../../../shared/pipeline.ts";
import type { EvalContext, EvalGain, EvalRow, EvalSection, SectionResult } from "../context.ts";
import { directAnswersFor, logExamples, QA_MAX_TOKENS, userTurn } from "../direct.ts";
import { hasModel } from "../engines.ts";
import { errorRows, type Failures, guard } from "../failures.ts";
import { type EvalItem, loadEvalSet } from "../items.ts";
import { runPool } from "../pool.ts";
import { pairedGain, pointsRow } from "../rows.ts";
import { answerCorrect } from "../score.ts";

/** Sets of the section; the gain on corpus_only is the headline. */
export const SELFRAG_SETS = ["corpus_only", "closed_book_seen"] as const;

/** One Self-RAG answer and whether its run retrieved. */
export interface SelfRagOutcome {
  readonly output: string;
  readonly retrieved: boolean;
}

/** Whether a Self-RAG trace retrieved passages (the gate said so, or mode "always"). */
export function traceRetrieved(trace: readonly TraceEvent[]): boolean {
  return trace.some((e) =>
    e.stage === "selfrag" &&
    ((e.event === "gate" && e.data["retrieve"] === true) || e.event === "retrieve")
  );
}

/**
 * Run Self-RAG on every item (concurrently) on `engine`, its `role: "reader"` requests on
 * `reader` when given; failed items land in `failures`.
 */
export async function selfragAnswers(
  ctx: EvalContext,
  engine: Engine,
  items: readonly EvalItem[],
  label: string,
  failures: Failures,
  reader?: Engine,
): Promise<SelfRagOutcome[]> {
  const window = (await engine.info()).contextLength;
  const failed: SelfRagOutcome = { output: "", retrieved: false };
  return await runPool(items, (item) =>
    guard(ctx, label, failures, async () => {
      const run = await runPipeline({
        edgeUrl: ctx.edgeUrl,
        engine,
        ...(reader !== undefined ? { sideEngines: { reader } } : {}),
        pipeline: ["selfrag"],
        messages: userTurn(item.question),
        options: { max_tokens: QA_MAX_TOKENS, temperature: 0, context_tokens: window },
        ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}),
      });
      return { output: run.output, retrieved: traceRetrieved(run.trace) };
    }, failed), { label, log: (l) => ctx.log(l), ...(ctx.signal ? { signal: ctx.signal } : {}) });
}

/** Gain keys end in the set's short name: `selfrag_gain_corpus_only`, `selfrag_target_gain_seen`. */
const GAIN_SUFFIX: Record<(typeof SELFRAG_SETS)[number], string> = {
  corpus_only: "corpus_only",
  closed_book_seen: "seen",
};

/** The rows, gain and summary of one set. */
export interface SelfRagScore {
  readonly rows: EvalRow[];
  readonly gain: EvalGain;
  readonly summary: Record<string, number>;
}

/**
 * Score Self-RAG runs against the closed-book answers to the same items: accuracy, retrieval
 * rate, accuracy on the retrieving items, and the paired gain.
 */
export function scoreSelfRag(
  set: string,
  items: readonly EvalItem[],
  closed: readonly string[],
  runs: readonly SelfRagOutcome[],
  seed: number,
  generator: SelfRagGenerator = { method: "selfrag", model: "target" },
): SelfRagScore {
  const { method: name, model } = generator;
  const base = items.map((item, i) => answerCorrect(closed[i]!, item.answers));
  const method = items.map((item, i) => answerCorrect(runs[i]!.output, item.answers));
  const retrieved = runs.map((r) => (r.retrieved ? 1 : 0));
  const key = { section: "selfrag", set };
  const rows = [
    pointsRow(
      { ...key, method: name, metric: "accuracy" },
      method,
      seed,
      `generator ${model}; adaptive retrieval, edge defaults (delta 0.2, k 5, beam 2, depth 2), greedy`,
    ),
    pointsRow(
      { ...key, method: name, metric: "retrieval_rate" },
      retrieved,
      seed,
      "share of items whose gate retrieved",
    ),
    pointsRow(
      { ...key, method: `${name}_when_retrieved`, metric: "accuracy" },
      method.filter((_, i) => retrieved[i] === 1),
      seed,
      "accuracy on the items that retrieved",
    ),
  ];
  return {
    rows,
    gain: pairedGain(method, base, seed),
    summary: {
      [`${name}_accuracy_${set}`]: rows[0]!.value,
      [`${name}_retrieval_rate_${set}`]: rows[1]!.value,
    },
  };
}

/** Which model generates in a Self-RAG run, and the method name of its rows. */
export interface SelfRagGenerator {
  readonly method: "selfrag" | "selfrag_target";
  readonly model: "reader" | "target";
}

/**
 * The generators to run: the reader as `selfrag` and the target as `selfrag_target` when the
 * world has a reader, else the target as `selfrag`.
 */
export async function selfragGenerators(modelsDir: string): Promise<SelfRagGenerator[]> {
  return (await hasModel(`${modelsDir}/reader`))
    ? [{ method: "selfrag", model: "reader" }, { method: "selfrag_target", model: "target" }]
    : [{ method: "selfrag", model: "target" }];
}

/** Self-RAG accuracy, retrieval rate and gain over closed-book answers. */
export const selfragSection: EvalSection = {
  name: "selfrag",
  async run(ctx): Promise<SectionResult> {
    const generators = await selfragGenerators(ctx.modelsDir);
    const rows: EvalRow[] = [];
    const summary: Record<string, number> = {};
    const gains: Record<string, EvalGain> = {};
    for (const set of SELFRAG_SETS) {
      const items = await loadEvalSet(ctx.modelsDir, set, ctx.limit);
      const closed = await directAnswersFor(ctx, `closed_book ${set}`, items);
      rows.push(...errorRows(
        { section: "selfrag", set, method: "closed_book" },
        items.length,
        closed.failures,
      ));
      for (const generator of generators) {
        // The chat page's routing: Self-RAG's `role: "reader"` requests go to the reader.
        const engine = await ctx.engine("target");
        const reader = generator.model === "reader" ? await ctx.engine("reader") : undefined;
        const failures: Failures = [];
        const label = `${generator.method} ${set}`;
        const runs = await selfragAnswers(ctx, engine, items, label, failures, reader);
        logExamples(ctx, label, items.map((i) => i.question), runs.map((r) => r.output));
        const scored = scoreSelfRag(set, items, closed.outputs, runs, ctx.seed, generator);
        rows.push(
          ...scored.rows,
          ...errorRows(
            { section: "selfrag", set, method: generator.method },
            items.length,
            failures,
          ),
        );
        Object.assign(summary, scored.summary);
        gains[`${generator.method}_gain_${GAIN_SUFFIX[set]}`] = scored.gain;
      }
    }
    return { rows, summary, gains };
  },
};
