/**
 * Section "cove": list questions ("Name the cities located in X.") answered by CoVe's
 * baseline (`Q: {question}\nA:`, the draft step of the pipeline, read from the trace) and by
 * Chain-of-Verification, factored and factor+revise (pipeline ["cove"] with the variant).
 * Precision per question = listed items naming a gold member / listed items (the list parsed
 * as functions/cove parses a draft), averaged over questions; also the mean items listed.
 *
 * @module
 */
import type { Engine } from "../../../client/engine/api.ts";
import { runPipeline } from "../../../client/pipelines/run_pipeline.ts";
import type { TraceEvent } from "../../../shared/pipeline.ts";
import type { EvalContext, EvalGain, EvalRow, EvalSection, SectionResult } from "../context.ts";
import { logExamples, userTurn } from "../direct.ts";
import { errorRows, type Failures, guard } from "../failures.ts";
import { type EvalItem, loadEvalSet } from "../items.ts";
import { runPool } from "../pool.ts";
import { meanRow, pairedGain, pointsRow } from "../rows.ts";
import { listPrecision } from "../score.ts";

/** Token budget of the draft, the plan and the final response. */
export const COVE_MAX_TOKENS = 128;

/** The CoVe variants measured (the paper's list-question setting is factored / 2-step). */
export const COVE_VARIANTS = ["factored", "factor_revise"] as const;

/** One CoVe run: its baseline draft, final answer and verification question count. */
export interface CoveOutcome {
  readonly draft: string;
  readonly output: string;
  readonly questions: number;
}

function eventData(trace: readonly TraceEvent[], event: string): Record<string, unknown> {
  return trace.find((e) => e.stage === "cove" && e.event === event)?.data ?? {};
}

/** The draft and the number of planned verification questions recorded in a CoVe trace. */
export function coveTraceFacts(trace: readonly TraceEvent[]): { draft: string; questions: number } {
  const draft = eventData(trace, "baseline")["draft"];
  const questions = eventData(trace, "plan")["questions"];
  return {
    draft: typeof draft === "string" ? draft : "",
    questions: Array.isArray(questions) ? questions.length : 0,
  };
}

async function coveRuns(
  ctx: EvalContext,
  engine: Engine,
  items: readonly EvalItem[],
  variant: (typeof COVE_VARIANTS)[number],
  failures: Failures,
): Promise<CoveOutcome[]> {
  const failed: CoveOutcome = { draft: "", output: "", questions: 0 };
  return await runPool(items, (item) =>
    guard(ctx, `cove ${variant}`, failures, async () => {
      const run = await runPipeline({
        edgeUrl: ctx.edgeUrl,
        engine,
        pipeline: ["cove"],
        messages: userTurn(item.question),
        options: { max_tokens: COVE_MAX_TOKENS, temperature: 0, cove: { variant } },
        ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}),
      });
      return { ...coveTraceFacts(run.trace), output: run.output };
    }, failed), {
    label: `cove ${variant}`,
    log: (l) => ctx.log(l),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
}

/** List precision of the baseline, CoVe factored and factor+revise. */
export const coveSection: EvalSection = {
  name: "cove",
  async run(ctx): Promise<SectionResult> {
    const items = await loadEvalSet(ctx.modelsDir, "list", ctx.limit);
    const engine = await ctx.engine("target");
    const failures: Record<string, Failures> = { cove_factored: [], cove_factor_revise: [] };
    const factored = await coveRuns(ctx, engine, items, "factored", failures["cove_factored"]!);
    const revise = await coveRuns(
      ctx,
      engine,
      items,
      "factor_revise",
      failures["cove_factor_revise"]!,
    );
    const sameDraft = factored.filter((f, i) => f.draft === revise[i]!.draft).length;
    const methods = [
      ["baseline", factored.map((r) => r.draft), "Q: {question}\\nA: draft of the factored runs"],
      ["cove_factored", factored.map((r) => r.output), 'pipeline ["cove"], variant factored'],
      ["cove_factor_revise", revise.map((r) => r.output), "variant factor_revise"],
    ] as const;
    const rows: EvalRow[] = [];
    const summary: Record<string, number> = {};
    const precision: Record<string, number[]> = {};
    for (const [method, outputs, note] of methods) {
      logExamples(ctx, `cove ${method}`, items.map((i) => i.question), outputs);
      const scores = items.map((item, i) => listPrecision(outputs[i]!, item.answers));
      precision[method] = scores.map((s) => s.precision);
      const key = { section: "cove", set: "list", method };
      const p = pointsRow({ ...key, metric: "precision" }, precision[method]!, ctx.seed, note);
      const listed = meanRow(
        { ...key, metric: "items_listed" },
        scores.map((s) => s.items.length),
        ctx.seed,
        "mean items per answer",
      );
      // The baseline's drafts come from the factored runs, so share their failures.
      const failed = failures[method === "baseline" ? "cove_factored" : method] ?? [];
      rows.push(p, listed, ...errorRows(key, items.length, failed));
      summary[`cove_precision_${method}`] = p.value;
      summary[`cove_items_${method}`] = listed.value;
    }
    for (const [i, runs] of [factored, revise].entries()) {
      rows.push(pointsRow(
        { section: "cove", set: "list", method: methods[i + 1]![0], metric: "verified_share" },
        runs.map((r) => (r.questions > 0 ? 1 : 0)),
        ctx.seed,
        `runs with at least one parsed verification question; drafts equal in both variants: ${sameDraft}/${items.length}`,
      ));
    }
    const base = precision["baseline"]!;
    const gains: Record<string, EvalGain> = {
      cove_precision_gain: pairedGain(precision["cove_factored"]!, base, ctx.seed),
      cove_revise_precision_gain: pairedGain(precision["cove_factor_revise"]!, base, ctx.seed),
    };
    return { rows, summary, gains };
  },
};
