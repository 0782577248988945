/**
 * The record of a best-of-n run: one `candidates` event (every candidate with its seed, text,
 * arithmetic steps, final answer, verifier score and whether it was kept) and one `select`
 * event (how the answer was chosen, with the vote table), plus the answer itself.
 *
 * @module
 */
import type { BestOfNOptions } from "../../../shared/pipeline.ts";
import type { ArithmeticStep } from "../../../shared/verify.ts";
import type { StageEvent } from "../stage.ts";
import { finalAnswer } from "./final_answer.ts";
import { type ScoredCandidate, selectCandidate } from "./selection.ts";
import { checkCandidate } from "./verifier.ts";

/** One candidate as the trace records it. */
export interface CandidateRow {
  index: number;
  id: string;
  seed: number;
  text: string;
  steps: ArithmeticStep[];
  arithmetic_ok: boolean;
  final_answer: string | null;
  /** The learned verifier's score; null when it was not asked (or the candidate was cut). */
  verifier_score: number | null;
  /** The score selection used; null for a rejected candidate. */
  score: number | null;
  kept: boolean;
  chosen: boolean;
}

/** What the record is built from. */
export interface CandidateRecordInput {
  options: BestOfNOptions;
  seeds: readonly number[];
  ids: readonly string[];
  texts: readonly string[];
  kept: readonly number[];
  fallback: boolean;
  /** Learned scores by candidate index; null when the learned verifier is not used. */
  learned: ReadonlyMap<number, number> | null;
}

/** Score, select and record; `output` is the chosen candidate's text, trimmed. */
export function candidateEvents(input: CandidateRecordInput): {
  output: string;
  events: StageEvent[];
} {
  const { options: o, learned } = input;
  const kept = new Set(input.kept);
  const rows = input.texts.map((text, index): CandidateRow => {
    const check = checkCandidate(text);
    const verifierScore = learned?.get(index) ?? null;
    const score = !kept.has(index) ? null : learned === null ? 1 : verifierScore ?? 0;
    return {
      index,
      id: input.ids[index] ?? "",
      seed: input.seeds[index] ?? 0,
      text,
      steps: check.steps,
      arithmetic_ok: check.ok,
      final_answer: finalAnswer(text).answer,
      verifier_score: verifierScore,
      score,
      kept: kept.has(index),
      chosen: false,
    };
  });
  const scored: ScoredCandidate[] = rows.filter((r) => r.score !== null).map((r) => ({
    index: r.index,
    answer: r.final_answer,
    score: r.score ?? 0,
  }));
  const selection = selectCandidate(scored, o.selection);
  const chosen = selection.chosen === null ? undefined : rows[selection.chosen];
  if (chosen !== undefined) chosen.chosen = true;
  const output = chosen?.text.trim() ?? "";
  const events: StageEvent[] = [
    {
      event: "candidates",
      data: {
        n: o.n,
        temperature: o.temperature,
        verifier: o.verifier,
        fallback: input.fallback,
        candidates: rows,
      },
    },
    {
      event: "select",
      data: {
        selection: o.selection,
        verifier: o.verifier,
        chosen: chosen?.index ?? null,
        answer: chosen?.final_answer ?? null,
        score: chosen?.score ?? null,
        votes: selection.tallies,
        vote_fallback: selection.voteFallback,
        fallback: input.fallback,
        kept: rows.filter((r) => r.kept).length,
        output,
      },
    },
  ];
  return { output, events };
}
