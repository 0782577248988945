/**
 * One held-out arithmetic problem through the edge's best_of_n pipeline under every method of
 * the best-of-n section: greedy decoding (n = 1, temperature 0) and, for n = 16, 4, 1 with the
 * same per-problem seed, majority vote (no verifier), arithmetic-filtered vote (the exact
 * `<<expr=result>>` filter, then a vote among survivors), verifier-ranked (the learned
 * verifier's top candidate), verifier-weighted vote and filter-then-verifier. With the gated,
 * caching engines (engine_gate.ts) every method and n sees the same candidates: the 16 are
 * sampled once, the first 4 and 1 of them are the candidates of n = 4 and 1.
 *
 * An answer counts when the chosen solution's "The answer is N." states the gold number.
 *
 * @module
 */
import type { Engine } from "../../../client/engine/api.ts";
import { runPipeline } from "../../../client/pipelines/run_pipeline.ts";
import { canonicalNumber } from "../../../functions/pipeline/best_of_n/final_answer.ts";
import type { BestOfNOptions, PipelineOptionsInput, TraceEvent } from "../../../shared/pipeline.ts";
import type { EvalItem } from "../items.ts";
import { userTurn } from "../direct.ts";

/** Candidate counts of the table (largest first, so smaller n are cache hits). */
export const BEST_OF_N_SIZES = [16, 4, 1] as const;
/** Sampling temperature of the candidates (Cobbe et al. 2021 sample verifier candidates at 0.7). */
export const BEST_OF_N_TEMPERATURE = 0.7;
/** Token budget of one candidate (the longest world solution is about 50 tokens). */
export const BEST_OF_N_MAX_TOKENS = 96;

/** A best-of-n method: the stage's verifier and selection. */
export interface BestOfNMethod {
  readonly name: string;
  readonly verifier: BestOfNOptions["verifier"];
  readonly selection: BestOfNOptions["selection"];
  /** Needs the learned verifier model. */
  readonly learned: boolean;
  readonly note: string;
}

/** The sampled methods, in table order. */
export const BEST_OF_N_METHODS: readonly BestOfNMethod[] = [
  { name: "majority", verifier: "none", selection: "vote", learned: false, note: "majority vote" },
  {
    name: "arithmetic",
    verifier: "arithmetic",
    selection: "vote",
    learned: false,
    note: "exact <<expr=result>> filter, vote among survivors",
  },
  {
    name: "verifier",
    verifier: "learned",
    selection: "top",
    learned: true,
    note: "learned verifier's top candidate",
  },
  {
    name: "verifier_vote",
    verifier: "learned",
    selection: "vote",
    learned: true,
    note: "verifier-weighted vote",
  },
  {
    name: "arithmetic_verifier",
    verifier: "both",
    selection: "top",
    learned: true,
    note: "filter, then the learned verifier's top survivor",
  },
];

/** What one problem gave. */
export interface ProblemOutcome {
  /** Correctness by "greedy" or `${method}@${n}`. */
  readonly correct: Record<string, boolean>;
  /** Some of the 16 candidates states the gold answer (an upper bound of any selection). */
  readonly coverage16: boolean;
  /** The 16 candidates' learned scores and correctness (empty without a verifier). */
  readonly scored: readonly { score: number; correct: boolean }[];
}

/** The engines and edge a problem runs on. */
export interface ProblemDeps {
  readonly edgeUrl: string;
  readonly prover: Engine;
  readonly verifier?: Engine;
  readonly seed: number;
  readonly signal?: AbortSignal;
}

const FINAL = /The answer is\s+\$?(-?[\d,]*\.?\d+)/g;

/**
 * The number a solution states in "The answer is N." (the last such sentence), canonical, or
 * null when it states none.
 *
 * @example
 * ```ts
 * statedAnswer("3 * 40 = <<3*40=120>>120 coins. The answer is 120."); // "120"
 * ```
 */
export function statedAnswer(text: string): string | null {
  const last = [...text.matchAll(FINAL)].at(-1)?.[1];
  return last === undefined ? null : canonicalNumber(last);
}

/** Whether `text` states the item's gold answer. */
export function statesGold(text: string, item: EvalItem): boolean {
  const gold = canonicalNumber(item.answers[0] ?? "");
  return gold !== null && statedAnswer(text) === gold;
}

interface TraceCandidate {
  text: string;
  verifier_score: number | null;
}

function candidatesOf(trace: readonly TraceEvent[]): TraceCandidate[] {
  const event = trace.find((e) => e.stage === "best_of_n" && e.event === "candidates");
  return (event?.data["candidates"] ?? []) as TraceCandidate[];
}

/**
 * Run every method and n on one problem; `seed` is the problem's candidate seed.
 *
 * @example
 * ```ts
 * const outcome = await runProblem(item, { edgeUrl, prover, verifier, seed: 1234 });
 * outcome.correct["verifier@16"];
 * ```
 */
export async function runProblem(item: EvalItem, deps: ProblemDeps): Promise<ProblemOutcome> {
  const run = (best: PipelineOptionsInput["best_of_n"]) =>
    runPipeline({
      edgeUrl: deps.edgeUrl,
      engine: deps.prover,
      ...(deps.verifier !== undefined ? { sideEngines: { verifier: deps.verifier } } : {}),
      pipeline: ["best_of_n"],
      messages: userTurn(item.question),
      options: { max_tokens: BEST_OF_N_MAX_TOKENS, best_of_n: best },
      ...(deps.signal !== undefined ? { signal: deps.signal } : {}),
    });
  const correct: Record<string, boolean> = {};
  const greedy = await run({ n: 1, temperature: 0, verifier: "none", selection: "top" });
  correct["greedy"] = statesGold(greedy.output, item);
  let coverage16 = false;
  let scored: { score: number; correct: boolean }[] = [];
  for (const method of BEST_OF_N_METHODS) {
    if (method.learned && deps.verifier === undefined) continue;
    for (const n of BEST_OF_N_SIZES) {
      const r = await run({
        n,
        temperature: BEST_OF_N_TEMPERATURE,
        seed: deps.seed,
        verifier: method.verifier,
        selection: method.selection,
      });
      correct[`${method.name}@${n}`] = statesGold(r.output, item);
      if (n !== 16) continue;
      const cands = candidatesOf(r.trace);
      if (method.name === "majority") coverage16 = cands.some((c) => statesGold(c.text, item));
      if (method.name === "verifier") {
        scored = cands.map((c) => ({
          score: c.verifier_score ?? 0,
          correct: statesGold(c.text, item),
        }));
      }
    }
  }
  return { correct, coverage16, scored };
}
