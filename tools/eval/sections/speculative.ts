/**
 * Section "speculative": the acceptance rate alpha of the world's draft against its target on
 * chat prompts (the evaluation questions, every set in turn), greedy, fixed gamma 4, through an
 * engine created with the draft (client/engine speculative runner). alpha is the per-token
 * acceptance rate of Leviathan et al. (alpha = E[beta], beta the chance that one examined draft
 * token is accepted): accepted / (accepted + rejections) from `engine.stats().speculative`, as
 * each verification examines tokens up to and including its first rejection. The share of all
 * proposed tokens accepted (proposals after a rejection are never examined) is reported beside
 * it with a bootstrap interval over prompts of `usage.completion_tokens_details`. The same
 * prompts on the plain target engine check that greedy speculative output equals the
 * target's. Speed is not reported here: on the shared machine sequential wall-clock passes
 * are noise; `deno task bench speculative` measures it.
 *
 * @module
 */
import type { ChatCompletion, Engine, EngineStats } from "../../../client/engine/api.ts";
import type { EvalContext, EvalRow, EvalSection, SectionResult } from "../context.ts";
import { userTurn } from "../direct.ts";
import { createEvalEngine } from "../engines.ts";
import { loadEvalSet } from "../items.ts";
import { runPool } from "../pool.ts";
import { pointsRow } from "../rows.ts";
import { bootstrapCi } from "../stats.ts";
import type { EvalKind } from "../../forge/world/examples.ts";

/** Draft tokens per round (fixed). */
export const SPEC_GAMMA = 4;
/** Token budget of one chat answer. */
export const SPEC_MAX_TOKENS = 64;
/** Prompts measured when no --limit is given. */
export const SPEC_PROMPTS = 300;
const SETS: readonly EvalKind[] = [
  "closed_book_seen",
  "corpus_only",
  "opinionated",
  "list",
  "arithmetic",
];

/** Up to `n` prompts, taking the sets in turn (round robin), so every kind of chat is in. */
export function interleave(lists: readonly (readonly string[])[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n && lists.some((l) => i < l.length); i++) {
    for (const l of lists) if (i < l.length && out.length < n) out.push(l[i]!);
  }
  return out;
}

async function answerAll(
  ctx: EvalContext,
  engine: Engine,
  prompts: readonly string[],
  label: string,
  speculative: boolean,
): Promise<
  { replies: ChatCompletion[]; before: EngineStats; after: EngineStats }
> {
  const before = await engine.stats();
  const replies = await runPool(prompts, (p) =>
    engine.chat.completions.create({
      messages: userTurn(p),
      temperature: 0,
      max_tokens: SPEC_MAX_TOKENS,
      ...(speculative ? { speculative: { gamma: SPEC_GAMMA } } : {}),
    }, ctx.signal !== undefined ? { signal: ctx.signal } : undefined), {
    label,
    log: (l) => ctx.log(l),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  return { replies, before, after: await engine.stats() };
}

/** alpha of the draft, its interval, and the greedy-equality check. */
export const speculativeSection: EvalSection = {
  name: "speculative",
  async run(ctx): Promise<SectionResult> {
    const sets = await Promise.all(SETS.map((s) => loadEvalSet(ctx.modelsDir, s)));
    const prompts = interleave(
      sets.map((items) => items.map((i) => i.question)),
      Math.min(ctx.limit, SPEC_PROMPTS),
    );
    if (prompts.length === 0) {
      throw new Error("Cannot measure alpha as there are no chat prompts: current count is 0");
    }
    const plain = await answerAll(ctx, await ctx.engine("target"), prompts, "target", false);
    const engine = await createEvalEngine(ctx.modelsDir, "target", { withDraft: true });
    let spec;
    try {
      spec = await answerAll(ctx, engine, prompts, `speculative gamma ${SPEC_GAMMA}`, true);
    } finally {
      await engine.dispose();
    }
    const s0 = spec.before.speculative;
    const s1 = spec.after.speculative;
    if (s0 === undefined || s1 === undefined) {
      throw new Error(
        "Cannot measure alpha as the engine reports no speculative stats: current value is undefined",
      );
    }
    const proposed = s1.proposed - s0.proposed;
    const accepted = s1.accepted - s0.accepted;
    const rejections = s1.rejections - s0.rejections;
    const alpha = proposed > 0 ? accepted / proposed : 0;
    const acc = spec.replies.map((r) =>
      r.usage.completion_tokens_details?.accepted_prediction_tokens ?? 0
    );
    const rej = spec.replies.map((r) =>
      r.usage.completion_tokens_details?.rejected_prediction_tokens ?? 0
    );
    const sum = (xs: readonly number[], idx: readonly number[]) =>
      idx.reduce((a, i) => a + xs[i]!, 0);
    const [lo, hi] = bootstrapCi(prompts.length, (idx) => {
      const a = sum(acc, idx);
      const p = a + sum(rej, idx);
      return p > 0 ? a / p : 0;
    }, { seed: ctx.seed });
    const same = spec.replies.map((r, i) =>
      r.choices[0]?.message.content === plain.replies[i]!.choices[0]?.message.content ? 1 : 0
    );
    const key = { section: "speculative", set: "chat_prompts" };
    const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
    const examined = accepted + rejections;
    const alphaPerToken = examined > 0 ? accepted / examined : 0;
    const rows: EvalRow[] = [
      {
        ...key,
        method: `draft_gamma_${SPEC_GAMMA}`,
        metric: "alpha",
        n: prompts.length,
        value: round4(alphaPerToken),
        note:
          `accepted ${accepted} / examined ${examined} draft tokens (accepted + rejections; engine stats), greedy`,
      },
      {
        ...key,
        method: `draft_gamma_${SPEC_GAMMA}`,
        metric: "proposed_accepted_share",
        n: prompts.length,
        value: round4(alpha),
        ci95: [round4(lo), round4(hi)],
        note: `accepted ${accepted} / proposed ${proposed} draft tokens, unexamined ones included`,
      },
      pointsRow(
        { ...key, method: `draft_gamma_${SPEC_GAMMA}`, metric: "greedy_equals_target" },
        same,
        ctx.seed,
        "share of prompts whose speculative greedy reply equals the plain target's",
      ),
    ];
    return {
      rows,
      summary: {
        alpha: round4(alphaPerToken),
        proposed_accepted_share: round4(alpha),
      },
      gains: {},
    };
  },
};
