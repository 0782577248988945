/**
 * Section "styles": each LoRA adapter (`adapters/terse`, `adapters/formal`, PEFT folders) on
 * its held-out style prompts, answered with and without the adapter by the LoRA-slot target
 * (`target_lora`), greedy. The metric is the world's own (tools/forge/world/styles.ts
 * isInStyle: the share of answers in the style); accuracy (the answer names the fact's
 * object) shows what the style costs. Without `target_lora` or an adapter folder the rows say
 * so and carry no measurement.
 *
 * @module
 */
import { runPipeline } from "../../../client/pipelines/run_pipeline.ts";
import { ANSWER_STYLES, type AnswerStyle, isInStyle } from "../../forge/world/styles.ts";
import type { EvalContext, EvalGain, EvalRow, EvalSection, SectionResult } from "../context.ts";
import { logExamples, QA_MAX_TOKENS, userTurn } from "../direct.ts";
import { hasModel } from "../engines.ts";
import { errorRows, type Failures, guard } from "../failures.ts";
import { loadStyleSet, type StyleEvalItem } from "../items.ts";
import { runPool } from "../pool.ts";
import { missingRow, pairedGain, pointsRow } from "../rows.ts";
import { answerCorrect } from "../score.ts";

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

async function answers(
  ctx: EvalContext,
  items: readonly StyleEvalItem[],
  adapter: AnswerStyle | undefined,
  failures: Failures,
): Promise<string[]> {
  const engine = await ctx.engine("target_lora");
  const label = `styles ${items[0]?.style ?? ""} ${adapter === undefined ? "base" : "adapter"}`;
  return await runPool(items, (item) =>
    guard(ctx, label, failures, async () => {
      const run = await runPipeline({
        edgeUrl: ctx.edgeUrl,
        engine,
        pipeline: [],
        messages: userTurn(item.question),
        options: { max_tokens: QA_MAX_TOKENS, temperature: 0 },
        ...(adapter !== undefined ? { adapter } : {}),
        ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}),
      });
      return run.output;
    }, ""), {
    label,
    log: (l) => ctx.log(l),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
}

/** Why a style cannot be measured, or undefined when it can. */
async function missing(ctx: EvalContext, style: AnswerStyle): Promise<string | undefined> {
  if (!(await hasModel(`${ctx.modelsDir}/target_lora`))) return "target_lora missing";
  const dir = `${ctx.modelsDir}/adapters/${style}`;
  if (!(await isFile(`${dir}/adapter_config.json`))) return `adapter ${style} missing`;
  return undefined;
}

/** Style metric and accuracy with and without each adapter. */
export const stylesSection: EvalSection = {
  name: "styles",
  async run(ctx): Promise<SectionResult> {
    const rows: EvalRow[] = [];
    const summary: Record<string, number> = {};
    const gains: Record<string, EvalGain> = {};
    for (const style of ANSWER_STYLES) {
      const why = await missing(ctx, style);
      const methods = ["base", `adapter_${style}`];
      if (why !== undefined) {
        for (const method of methods) {
          for (const metric of ["style", "accuracy"]) {
            rows.push(missingRow({ section: "styles", set: style, method, metric }, why));
          }
        }
        continue;
      }
      const items = await loadStyleSet(ctx.modelsDir, style, ctx.limit);
      const failures: Failures[] = [[], []];
      const outs = [
        await answers(ctx, items, undefined, failures[0]!),
        await answers(ctx, items, style, failures[1]!),
      ];
      const inStyle = outs.map((o) => o.map((a) => (isInStyle(style, a) ? 1 : 0)));
      outs.forEach((o, k) => {
        const key = { section: "styles", set: style, method: methods[k]! };
        logExamples(ctx, `styles ${style} ${methods[k]}`, items.map((i) => i.question), o);
        const correct = items.map((item, i) => answerCorrect(o[i]!, [item.object]));
        const styled = pointsRow(
          { ...key, metric: "style" },
          inStyle[k]!,
          ctx.seed,
          "answers in the style (styles.ts isInStyle)",
        );
        rows.push(
          styled,
          pointsRow(
            { ...key, metric: "accuracy" },
            correct,
            ctx.seed,
            "answer names the fact's object",
          ),
          ...errorRows(key, items.length, failures[k]!),
        );
        summary[`style_${style}_${methods[k]!}`] = styled.value;
      });
      gains[`style_gain_${style}`] = pairedGain(inStyle[1]!, inStyle[0]!, ctx.seed);
    }
    return { rows, summary, gains };
  },
};
