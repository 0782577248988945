/**
 * Section "cove": list questions ("Name the cities located in X.") answered by CoVe's
 * baseline (`Q: {question}\nA:`, the draft step of the pipeline, read from the trace) and by
 * Chain-of-Verification, factored and factor+revise (pipeline ["cove"] with the variant and the
 * default plan "auto": the edge plans a list of a shape it knows by rule, functions/cove/
 * list_rules.ts), and factored with plan "model" (the model writes the plan and the final
 * response, the paper's steps 2 and 4; method `cove_factored_model_plan`).
 * Precision per question = listed items naming a gold member / listed items (the list parsed
 * as functions/cove parses a draft), averaged over questions; also the mean items listed.
 *
 * CoVe runs as the chat runs it: on the target engine with every CoVe request (`role: "cove"`)
 * routed to the world's CoVe model (`cove/`, the target fine-tuned on CoVe's prompts) when the
 * world has one; the baseline is that model's own draft. The same three methods with the
 * plain target running every request are reported beside them (methods suffixed `_target`,
 * gains `cove_target_*`). Without `cove/` the target's runs carry the unsuffixed names. Each
 * row's note names the model that generated. The baseline's `removal_ceiling` is the precision
 * a verification that removes exactly the draft's wrong items would reach (cove_steps.ts).
 *
 * @module
 */
import type { Engine } from "../../../client/engine/api.ts";
import { runPipeline } from "../../../client/pipelines/run_pipeline.ts";
import type { TraceEvent } from "../../../shared/pipeline.ts";
import type { EvalContext, EvalGain, EvalRow, EvalSection, SectionResult } from "../context.ts";
import { logExamples, userTurn } from "../direct.ts";
import { hasModel } from "../engines.ts";
import { errorRows, type Failures, guard } from "../failures.ts";
import { type EvalItem, loadEvalSet } from "../items.ts";
import { runPool } from "../pool.ts";
import { meanRow, missingRow, pairedGain, pointsRow, type RowKey } from "../rows.ts";
import { listPrecision } from "../score.ts";
import { finalFromDraft, planCoverage, removalCeiling } from "../cove_steps.ts";

/** Token budget of the draft, the plan and the final response. */
export const COVE_MAX_TOKENS = 128;

/** The CoVe variants measured (the paper's list-question setting is factored / 2-step). */
export const COVE_VARIANTS = ["factored", "factor_revise"] as const;

/** One CoVe run: its baseline draft, final answer and planned verification questions. */
export interface CoveOutcome {
  readonly draft: string;
  readonly output: string;
  readonly planned: readonly string[];
}

function eventData(trace: readonly TraceEvent[], event: string): Record<string, unknown> {
  return trace.find((e) => e.stage === "cove" && e.event === event)?.data ?? {};
}

/** The draft and the planned verification questions recorded in a CoVe trace. */
export function coveTraceFacts(
  trace: readonly TraceEvent[],
): { draft: string; planned: string[] } {
  const draft = eventData(trace, "baseline")["draft"];
  const questions = eventData(trace, "plan")["questions"];
  const planned = Array.isArray(questions)
    ? questions.flatMap((q: unknown) => {
      const text = (q as { question?: unknown } | null)?.question;
      return typeof text === "string" ? [text] : [];
    })
    : [];
  return { draft: typeof draft === "string" ? draft : "", planned };
}

/**
 * Run CoVe with `variant` on every item (concurrently) on `engine`, its `role: "cove"` requests
 * on `cove` when given (then every request: CoVe asks nothing else); failed items land in
 * `failures`.
 */
export async function coveRuns(
  ctx: EvalContext,
  engine: Engine,
  items: readonly EvalItem[],
  variant: (typeof COVE_VARIANTS)[number],
  failures: Failures,
  cove?: Engine,
  plan: "auto" | "model" = "auto",
): Promise<CoveOutcome[]> {
  const failed: CoveOutcome = { draft: "", output: "", planned: [] };
  const label = `cove ${variant}${plan === "model" ? " model plan" : ""}${
    cove !== undefined ? " (cove model)" : ""
  }`;
  return await runPool(items, (item) =>
    guard(ctx, label, failures, async () => {
      const run = await runPipeline({
        edgeUrl: ctx.edgeUrl,
        engine,
        ...(cove !== undefined ? { sideEngines: { cove } } : {}),
        pipeline: ["cove"],
        messages: userTurn(item.question),
        options: { max_tokens: COVE_MAX_TOKENS, temperature: 0, cove: { variant, plan } },
        ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}),
      });
      return { ...coveTraceFacts(run.trace), output: run.output };
    }, failed), {
    label,
    log: (l) => ctx.log(l),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
}

/** A share over the runs it is defined for (points), or a missing row when it is defined for none. */
function shareRow(
  key: RowKey,
  values: readonly (number | undefined)[],
  seed: number,
  note: string,
): EvalRow {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length === 0
    ? missingRow(key, `no run to measure: ${note}`)
    : pointsRow(key, defined, seed, note);
}

/** Which model generates in a CoVe run, and the suffix of its methods and gains. */
export interface CoveGenerator {
  /** "" (methods baseline, cove_factored, ...) or "_target" (baseline_target, ...). */
  readonly suffix: "" | "_target";
  readonly model: "cove" | "target";
}

/**
 * The generators to run: the CoVe model unsuffixed and the target as `_target` when the world
 * has a CoVe model, else the target unsuffixed.
 */
export async function coveGenerators(modelsDir: string): Promise<CoveGenerator[]> {
  return (await hasModel(`${modelsDir}/cove`))
    ? [{ suffix: "", model: "cove" }, { suffix: "_target", model: "target" }]
    : [{ suffix: "", model: "target" }];
}

/** Who generated, for the notes: the CoVe model (through the target's runs) or the target. */
function generatedBy(model: CoveGenerator["model"]): string {
  return model === "cove"
    ? 'generated by cove/ (target engine, every role "cove" request on the CoVe model)'
    : "generated by target/ (every request)";
}

/** The rows, summary and gains of one generator's runs. */
export interface CoveScore {
  readonly rows: EvalRow[];
  readonly summary: Record<string, number>;
  readonly gains: Record<string, EvalGain>;
}

/**
 * Score the factored and factor+revise runs of one generator: precision and items listed of
 * the baseline (the factored runs' drafts) and both variants, their errors, the verified share
 * of each variant, and the gains of both variants over the baseline.
 */
export function scoreCove(
  items: readonly EvalItem[],
  runs: {
    readonly factored: readonly CoveOutcome[];
    readonly revise: readonly CoveOutcome[];
    readonly modelPlan: readonly CoveOutcome[];
  },
  failures: {
    readonly factored: Failures;
    readonly revise: Failures;
    readonly modelPlan: Failures;
  },
  seed: number,
  generator: CoveGenerator = { suffix: "", model: "target" },
): CoveScore {
  const { suffix, model } = generator;
  const by = generatedBy(model);
  const { factored, revise, modelPlan } = runs;
  const sameDraft = factored.filter((f, i) => f.draft === revise[i]?.draft).length;
  const methods = [
    ["baseline", factored.map((r) => r.draft), "Q: {question}\\nA: draft of the factored runs"],
    ["cove_factored", factored.map((r) => r.output), 'pipeline ["cove"], variant factored'],
    ["cove_factor_revise", revise.map((r) => r.output), "variant factor_revise"],
    [
      "cove_factored_model_plan",
      modelPlan.map((r) => r.output),
      'variant factored, plan "model": the model writes the plan and the final response',
    ],
  ] as const;
  const failed = [failures.factored, failures.factored, failures.revise, failures.modelPlan];
  const rows: EvalRow[] = [];
  const summary: Record<string, number> = {};
  const precision: number[][] = [];
  for (const [m, [name, outputs, note]] of methods.entries()) {
    const method = `${name}${suffix}`;
    const scores = items.map((item, i) => listPrecision(outputs[i] ?? "", item.answers));
    precision.push(scores.map((s) => s.precision));
    const key = { section: "cove", set: "list", method };
    const p = pointsRow({ ...key, metric: "precision" }, precision[m]!, seed, `${note}; ${by}`);
    const listed = meanRow(
      { ...key, metric: "items_listed" },
      scores.map((s) => s.items.length),
      seed,
      `mean items per answer; ${by}`,
    );
    // The baseline's drafts come from the factored runs, so it shares their failures.
    rows.push(p, listed, ...errorRows(key, items.length, failed[m] ?? []));
    summary[`cove_precision_${method}`] = p.value;
    summary[`cove_items_${method}`] = listed.value;
  }
  const ceiling = pointsRow(
    { section: "cove", set: "list", method: `baseline${suffix}`, metric: "removal_ceiling" },
    items.map((item, i) => removalCeiling(factored[i]?.draft ?? "", item.answers)),
    seed,
    `precision if verification removed exactly the draft's wrong items (1 when the draft names a gold member, else 0); minus the baseline's precision it bounds CoVe's gain; ${by}`,
  );
  rows.push(ceiling);
  summary[`cove_removal_ceiling${suffix}`] = ceiling.value;
  for (const [i, variantRuns] of [factored, revise, modelPlan].entries()) {
    const key = { section: "cove", set: "list", method: `${methods[i + 1]![0]}${suffix}` };
    const verified = pointsRow(
      { ...key, metric: "verified_share" },
      variantRuns.map((r) => (r.planned.length > 0 ? 1 : 0)),
      seed,
      `runs with at least one parsed verification question; drafts equal in both variants: ${sameDraft}/${items.length}; ${by}`,
    );
    const covered = shareRow(
      { ...key, metric: "plan_coverage" },
      variantRuns.map((r) => planCoverage(r.draft, r.planned)),
      seed,
      `draft items that a planned verification question names exactly, over runs whose draft lists items; ${by}`,
    );
    const kept = shareRow(
      { ...key, metric: "final_from_draft" },
      variantRuns.map((r) => finalFromDraft(r.draft, r.output)),
      seed,
      `final items that the draft listed (the rest are new names), over runs whose final lists items; ${by}`,
    );
    rows.push(verified, covered, kept);
    for (const row of [covered, kept]) {
      if (row.value !== null) summary[`cove_${row.metric}_${key.method}`] = row.value;
    }
  }
  const gain = suffix === "" ? "cove" : "cove_target";
  const gains: Record<string, EvalGain> = {
    [`${gain}_precision_gain`]: pairedGain(precision[1]!, precision[0]!, seed),
    [`${gain}_revise_precision_gain`]: pairedGain(precision[2]!, precision[0]!, seed),
    [`${gain}_model_plan_precision_gain`]: pairedGain(precision[3]!, precision[0]!, seed),
  };
  return { rows, summary, gains };
}

/** List precision of the baseline, CoVe factored and factor+revise, per generator. */
export const coveSection: EvalSection = {
  name: "cove",
  async run(ctx): Promise<SectionResult> {
    const items = await loadEvalSet(ctx.modelsDir, "list", ctx.limit);
    const rows: EvalRow[] = [];
    const summary: Record<string, number> = {};
    const gains: Record<string, EvalGain> = {};
    for (const generator of await coveGenerators(ctx.modelsDir)) {
      // The chat page's routing: CoVe's `role: "cove"` requests go to the CoVe model.
      const engine = await ctx.engine("target");
      const cove = generator.model === "cove" ? await ctx.engine("cove") : undefined;
      const failures = {
        factored: [] as Failures,
        revise: [] as Failures,
        modelPlan: [] as Failures,
      };
      const factored = await coveRuns(ctx, engine, items, "factored", failures.factored, cove);
      const revise = await coveRuns(ctx, engine, items, "factor_revise", failures.revise, cove);
      const modelPlan = await coveRuns(
        ctx,
        engine,
        items,
        "factored",
        failures.modelPlan,
        cove,
        "model",
      );
      const questions = items.map((i) => i.question);
      const log = (name: string, outputs: string[]) =>
        logExamples(ctx, `cove ${name}${generator.suffix}`, questions, outputs);
      log("baseline", factored.map((r) => r.draft));
      log("cove_factored", factored.map((r) => r.output));
      log("cove_factor_revise", revise.map((r) => r.output));
      log("cove_factored_model_plan", modelPlan.map((r) => r.output));
      const runs = { factored, revise, modelPlan };
      const scored = scoreCove(items, runs, failures, ctx.seed, generator);
      rows.push(...scored.rows);
      Object.assign(summary, scored.summary);
      Object.assign(gains, scored.gains);
    }
    return { rows, summary, gains };
  },
};
