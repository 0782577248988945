/**
 * Section "quiet_star" (issue 8, items 2 and 5): the thinking model (`${modelsDir}/thinking`,
 * trained by `deno task train:think`, with a mixing head) on held-out tiny-world arithmetic
 * problems (`eval/arithmetic.jsonl`):
 *
 * - next-token loss (nats) of the problems' worked solutions, thinking (K thoughts of t tokens
 *   at every scored position, w from the mixing head) versus w = 0 (the base logits of the
 *   same pass); summary `quiet_star_loss_delta` = thinking minus w = 0 (token-weighted);
 * - answer accuracy of greedy decoding through the engine with `thinking: { w: "head" }`
 *   versus without (w = 0 reproduces the base exactly), with the paired gain.
 *
 * Without the thinking model the rows say so and carry no numbers.
 *
 * @module
 */
import { resolve } from "node:path";
import { createEngine } from "../../../client/engine/engine.ts";
import { configureOrt } from "../../../client/engine/ort.ts";
import type { EvalContext, EvalRow, EvalSection, SectionResult } from "../context.ts";
import { EVAL_MAX_BATCH, hasModel } from "../engines.ts";
import { loadEvalSet } from "../items.ts";
import { meanRow, missingRow, pairedGain, pointsRow } from "../rows.ts";
import { measureAccuracy, measureLoss } from "../../forge/train/quiet_star/measure.ts";

const SECTION = "quiet_star";
const SET = "arithmetic";
/** Thoughts and thought tokens when config.json does not record the trained ones. */
const DEFAULT_K = 2;
const DEFAULT_T = 4;

const key = (method: string, metric: string) => ({ section: SECTION, set: SET, method, metric });

/** The k and t the model was trained with (config.json `quiet_star`), else the defaults. */
async function thinkingShape(path: string): Promise<{ k: number; t: number }> {
  const config = JSON.parse(await Deno.readTextFile(`${path}/config.json`));
  const qs = typeof config.quiet_star === "object" && config.quiet_star !== null
    ? config.quiet_star as Record<string, unknown>
    : {};
  const int = (
    v: unknown,
    d: number,
  ) => (Number.isInteger(v) && (v as number) > 0 ? v as number : d);
  return { k: int(qs.k, DEFAULT_K), t: int(qs.t, DEFAULT_T) };
}

function missing(note: string): SectionResult {
  const rows: EvalRow[] = [
    missingRow(key("w0", "next_token_nll"), note),
    missingRow(key("thinking", "next_token_nll"), note),
    missingRow(key("w0", "accuracy"), note),
    missingRow(key("thinking", "accuracy"), note),
  ];
  return { rows, summary: {}, gains: {} };
}

/** Thinking (mixing head) versus w = 0: solution loss and answer accuracy. */
export const quietStarSection: EvalSection = {
  name: SECTION,
  async run(ctx: EvalContext): Promise<SectionResult> {
    const path = `${ctx.modelsDir}/thinking`;
    if (!(await hasModel(path))) {
      return missing(`not measured: no thinking model at ${path} (deno task train:think)`);
    }
    const { k, t } = await thinkingShape(path);
    const problems = await loadEvalSet(ctx.modelsDir, SET, ctx.limit);
    const variant = `K ${k} thoughts of t ${t} tokens at every position, w from the mixing head`;
    ctx.log(`quiet_star: loss on ${problems.length} solutions (${variant})`);
    const loss = await measureLoss(path, problems, { k, t, seed: ctx.seed }, ctx.log);
    configureOrt({ numThreads: 1 });
    const engine = await createEngine({
      model: { kind: "path", path: resolve(path) },
      name: "thinking",
      ep: "wasm",
      maxBatch: EVAL_MAX_BATCH,
    });
    let plain: number[], thinking: number[];
    try {
      ctx.log(`quiet_star: accuracy on ${problems.length} problems, w = 0`);
      plain = await measureAccuracy(engine, problems, undefined, ctx.seed);
      ctx.log(`quiet_star: accuracy on ${problems.length} problems, thinking`);
      thinking = await measureAccuracy(engine, problems, { k, t }, ctx.seed);
    } finally {
      await engine.dispose();
    }
    const rows: EvalRow[] = [
      meanRow(key("w0", "next_token_nll"), loss.base, ctx.seed, "base logits, per-solution mean"),
      meanRow(key("thinking", "next_token_nll"), loss.thinking, ctx.seed, variant),
      pointsRow(key("w0", "accuracy"), plain, ctx.seed, "greedy, no thinking (= w 0)"),
      pointsRow(key("thinking", "accuracy"), thinking, ctx.seed, `greedy, ${variant}`),
    ];
    const round = (x: number) => Math.round(x * 1e6) / 1e6;
    const accuracyGain = pairedGain(thinking, plain, ctx.seed);
    return {
      rows,
      summary: {
        quiet_star_loss_delta: round(loss.thinkingMean - loss.baseMean),
        quiet_star_nll_w0: round(loss.baseMean),
        quiet_star_nll_thinking: round(loss.thinkingMean),
        quiet_star_mean_w: round(loss.meanW),
        quiet_star_scored_tokens: loss.tokens,
      },
      gains: { quiet_star_accuracy_gain: accuracyGain },
    };
  },
};
