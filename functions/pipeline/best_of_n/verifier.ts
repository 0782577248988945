/**
 * The two verifiers of best-of-n: the exact arithmetic verifier of POST
 * /v1/verify/arithmetic as a hard filter per step, and the learned verifier, a prompt whose
 * answer-token probabilities the client scores (score_tokens), read as
 * p(accept) / (p(accept) + p(reject)).
 *
 * @module
 */
import type { ArithmeticStep } from "../../../shared/verify.ts";
import { verifyArithmetic } from "../../verify/check.ts";

/** The arithmetic check of one candidate. */
export interface ArithmeticCheck {
  /** True when every step is right (vacuously for a candidate without steps). */
  ok: boolean;
  steps: ArithmeticStep[];
}

/**
 * Check every `<<expr=result>>` annotation and inline equation of a candidate exactly, as
 * POST /v1/verify/arithmetic does: one wrong step fails the candidate.
 */
export function checkCandidate(text: string): ArithmeticCheck {
  const { ok, steps } = verifyArithmetic(text);
  return { ok, steps };
}

/**
 * Fill the verifier template: `{question}` and `{solution}` (every occurrence) are replaced
 * by the problem and the candidate, trimmed.
 *
 * @example
 * ```ts
 * verifierPrompt("Q: {question}\nS: {solution}\nOK?", "1+1?", " 1+1 = <<1+1=2>>2 ");
 * // "Q: 1+1?\nS: 1+1 = <<1+1=2>>2\nOK?"
 * ```
 */
export function verifierPrompt(template: string, question: string, solution: string): string {
  // One pass, so a "{solution}" written inside the question stays text; a function
  // replacement keeps "$&"-like sequences of model text literal.
  return template.replace(
    /\{(question|solution)\}/g,
    (_, slot: string) => slot === "question" ? question.trim() : solution.trim(),
  );
}

/**
 * The learned verifier's score from the client's token probabilities:
 * p(accept) / (p(accept) + p(reject)), or 0 when the model gives both no mass (no evidence
 * of correctness is not a vote for it).
 */
export function learnedScore(
  scores: Readonly<Record<string, number>>,
  accept: string,
  reject: string,
): number {
  const yes = scores[accept] ?? 0;
  const no = scores[reject] ?? 0;
  return yes + no > 0 ? yes / (yes + no) : 0;
}
