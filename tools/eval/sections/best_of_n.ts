/**
 * Section "best_of_n" (issue 8, item 5): prover-verifier best-of-n on held-out tiny-world
 * arithmetic problems (`eval/arithmetic.jsonl`) through the edge's best_of_n pipeline
 * (best_of_n_runs.ts): accuracy of greedy decoding and of majority vote, arithmetic-filtered
 * vote and verifier-ranked best-of-n (plus verifier-weighted vote and filter-then-verifier)
 * for n = 1, 4, 16, with paired gains over greedy; `best_of_16_gain` is verifier-ranked
 * best-of-16 minus greedy. Also measured: coverage (some of the 16 candidates is right), the
 * learned verifier's accuracy on the sampled candidates, and on held-out problems' correct and
 * flawed solutions (verifier_heldout.ts). Without `${modelsDir}/verifier` the learned rows are
 * marked not measured and no `best_of_16_gain` is reported.
 *
 * Cost: the 16 candidates of a problem are ONE batch (of the merged batches of the problems in
 * flight, engine_gate.ts), sampled once and shared by every method and n.
 *
 * @module
 */
import type { EvalContext, EvalGain, EvalRow, EvalSection, SectionResult } from "../context.ts";
import { hasModel } from "../engines.ts";
import { loadEvalSet } from "../items.ts";
import { runPool } from "../pool.ts";
import { missingRow, pairedGain, pointsRow } from "../rows.ts";
import { FLAW_KINDS } from "../../forge/world/solution_flaws.ts";
import {
  BEST_OF_N_METHODS,
  BEST_OF_N_SIZES,
  BEST_OF_N_TEMPERATURE,
  type ProblemOutcome,
  runProblem,
} from "./best_of_n_runs.ts";
import { EngineGate } from "./engine_gate.ts";
import { judgeHeldOut } from "./verifier_heldout.ts";

/**
 * Problems in flight at once: ONE, so that every engine batch holds the rows of one problem
 * and the sampled rows repeat exactly run to run. With several problems in flight the gate
 * merged their calls in arrival order, and a batch's make-up changes onnxruntime's float
 * rounding enough to flip samples at temperature 0.7: two runs of 60 problems with 4 in
 * flight differed in 11 of their 15 sampled accuracy rows, two with 1 in flight were
 * identical (86 s against 92-96 s there; the full 300 problems took 400 s against 341 s).
 */
export const BEST_OF_N_IN_FLIGHT = 1;

/** The candidate seed of problem `index` (candidates get seed .. seed + 15). */
export function problemSeed(seed: number, index: number): number {
  return ((seed >>> 0) * 1_000_003 + index * 101) % 0xffff_0000;
}

const SECTION = "best_of_n";
const bin = (xs: readonly boolean[]) => xs.map((x) => (x ? 1 : 0));

function methodRows(
  ctx: EvalContext,
  outcomes: readonly ProblemOutcome[],
  learned: boolean,
): EvalRow[] {
  const key = (method: string) => ({
    section: SECTION,
    set: "arithmetic",
    method,
    metric: "accuracy",
  });
  const rows: EvalRow[] = [
    pointsRow(
      key("greedy"),
      bin(outcomes.map((o) => o.correct["greedy"] === true)),
      ctx.seed,
      "n = 1, temperature 0",
    ),
  ];
  for (const m of BEST_OF_N_METHODS) {
    for (const n of [...BEST_OF_N_SIZES].reverse()) {
      const name = `${m.name}@${n}`;
      const note = `${m.note}; n = ${n}, temperature ${BEST_OF_N_TEMPERATURE}`;
      rows.push(
        m.learned && !learned
          ? missingRow(key(name), `no verifier model at ${ctx.modelsDir}/verifier: not measured`)
          : pointsRow(
            key(name),
            bin(outcomes.map((o) => o.correct[name] === true)),
            ctx.seed,
            note,
          ),
      );
    }
  }
  rows.push(
    pointsRow(
      { ...key("coverage@16"), metric: "coverage" },
      bin(outcomes.map((o) => o.coverage16)),
      ctx.seed,
      "some of the 16 candidates states the gold answer (upper bound of any selection)",
    ),
  );
  return rows;
}

function verifierRows(
  ctx: EvalContext,
  outcomes: readonly ProblemOutcome[],
  judged: Awaited<ReturnType<typeof judgeHeldOut>>,
): EvalRow[] {
  const scored = outcomes.flatMap((o) => o.scored);
  const key = (set: string, method: string, metric: string) => ({
    section: SECTION,
    set,
    method,
    metric,
  });
  const rows: EvalRow[] = [
    pointsRow(
      key("candidates", "verifier", "accuracy"),
      bin(scored.map((s) => (s.score > 0.5) === s.correct)),
      ctx.seed,
      `verdict score > 0.5 vs stated answer = gold over the 16 candidates per problem; ${
        scored.filter((s) => s.correct).length
      } of ${scored.length} candidates correct`,
    ),
    pointsRow(
      key("heldout_solutions", "verifier", "accuracy"),
      bin(judged.map((j) => j.right)),
      ctx.seed,
      "held-out problems' correct solution and one flawed solution each",
    ),
    pointsRow(
      key("heldout_solutions", "verifier", "completeness"),
      bin(judged.filter((j) => j.solution.correct).map((j) => j.right)),
      ctx.seed,
      "correct solutions accepted",
    ),
    pointsRow(
      key("heldout_solutions", "verifier", "soundness"),
      bin(judged.filter((j) => !j.solution.correct).map((j) => j.right)),
      ctx.seed,
      "flawed solutions rejected",
    ),
  ];
  for (const kind of FLAW_KINDS) {
    const of = judged.filter((j) => j.solution.flaw === kind);
    rows.push(
      pointsRow(
        key("heldout_solutions", `flaw:${kind}`, "soundness"),
        bin(of.map((j) => j.right)),
        ctx.seed,
      ),
    );
  }
  return rows;
}

/** Best-of-n accuracies, gains over greedy and the learned verifier's accuracy. */
export const bestOfNSection: EvalSection = {
  name: SECTION,
  async run(ctx): Promise<SectionResult> {
    const t0 = performance.now();
    const items = await loadEvalSet(ctx.modelsDir, "arithmetic", ctx.limit);
    const learned = await hasModel(`${ctx.modelsDir}/verifier`);
    if (!learned) {
      ctx.log(`best_of_n: no verifier at ${ctx.modelsDir}/verifier; learned rows not measured`);
    }
    const gate = new EngineGate();
    const prover = gate.wrap("target", await ctx.engine("target"));
    const verifier = learned ? gate.wrap("verifier", await ctx.engine("verifier")) : undefined;
    const signal = ctx.signal !== undefined ? { signal: ctx.signal } : {};
    const outcomes = await runPool(items, (item, i) =>
      runProblem(item, {
        edgeUrl: ctx.edgeUrl,
        prover,
        ...(verifier !== undefined ? { verifier } : {}),
        seed: problemSeed(ctx.seed, i),
        ...signal,
      }), {
      label: "best_of_n arithmetic",
      log: (l) => ctx.log(l),
      concurrency: BEST_OF_N_IN_FLIGHT,
      ...signal,
    });
    const runSeconds = (performance.now() - t0) / 1000;
    const rows = methodRows(ctx, outcomes, learned);
    const outcome = (name: string) => bin(outcomes.map((o) => o.correct[name] === true));
    const greedy = outcome("greedy");
    const gains: Record<string, EvalGain> = {
      best_of_16_majority_gain: pairedGain(outcome("majority@16"), greedy, ctx.seed),
      best_of_16_arithmetic_gain: pairedGain(outcome("arithmetic@16"), greedy, ctx.seed),
    };
    const summary: Record<string, number> = {};
    if (verifier !== undefined) {
      gains["best_of_16_gain"] = pairedGain(outcome("verifier@16"), greedy, ctx.seed);
      const judged = await judgeHeldOut(verifier, items, ctx.seed, ctx.signal);
      rows.push(...verifierRows(ctx, outcomes, judged));
      summary["verifier_heldout_accuracy"] = rows.find((r) =>
        r.set === "heldout_solutions" && r.method === "verifier" && r.metric === "accuracy"
      )?.value ?? 0;
    }
    const seconds = (performance.now() - t0) / 1000;
    const counts = gate.counts();
    summary["best_of_n_seconds"] = Math.round(seconds * 10) / 10;
    ctx.log(
      `best_of_n: ${items.length} problems in ${seconds.toFixed(1)} s (pipelines ${
        runSeconds.toFixed(1)
      } s); generated rows ${JSON.stringify(counts.rows)} in batches ${
        JSON.stringify(counts.batches)
      }, ${counts.cacheHits} rows shared from the cache`,
    );
    return { rows, summary, gains };
  },
};
