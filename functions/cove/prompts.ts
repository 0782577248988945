/**
 * Chain-of-Verification prompt templates (Dhuliawala et al. 2023, "Chain-of-Verification
 * Reduces Hallucination in Large Language Models", Section 3 and Appendix templates).
 *
 * @module
 */

/** One verification question with the fact of the draft it checks ("" when not given). */
export interface VerificationQuestion {
  fact: string;
  question: string;
}

/** A verification question with its answer (and, in factor+revise, its cross-check). */
export interface VerifiedPair extends VerificationQuestion {
  answer: string;
  verdict?: "CONSISTENT" | "INCONSISTENT" | "PARTIALLY CONSISTENT" | "UNKNOWN" | undefined;
}

/** Step 1, baseline response: `Q: {question}\nA:` */
export function baselinePrompt(question: string): string {
  return `Q: ${question}\nA:`;
}

/**
 * Step 2, plan verifications: `Context: Q: {question}\nA: {draft}\nResponse:\n`; the model
 * answers with `{fact}, {verification question}` lines. The joint variant uses the same
 * prompt and its model writes each question's answer right after it (plan and execution
 * in one prompt).
 */
export function planPrompt(question: string, draft: string): string {
  return `Context: Q: ${question}\nA: ${draft}\nResponse:\n`;
}

/** Step 3, factored execution: one prompt per question, `Q: {verification question}\nA:`. */
export function executePrompt(verificationQuestion: string): string {
  return `Q: ${verificationQuestion}\nA:`;
}

/**
 * Step 3, 2-step execution: ONE prompt holding every verification question and nothing of
 * the draft; the model answers them in order as `A1: ...`, `A2: ...`.
 */
export function twoStepPrompt(questions: readonly string[]): string {
  return `${questions.map((q, i) => `Q${i + 1}: ${q}`).join("\n")}\nA1:`;
}

/**
 * Factor+revise cross-check of one fact against its verification answer; the model
 * answers `CONSISTENT.`, `INCONSISTENT.` or `PARTIALLY CONSISTENT.`
 */
export function crossCheckPrompt(fact: string, question: string, answer: string): string {
  return `Context: ${stripPeriod(fact)}.\nFrom another source,\nQ: ${question}\nA: ${answer}\n` +
    "Is the context CONSISTENT., INCONSISTENT. or PARTIALLY CONSISTENT. with the other source?\n" +
    "Response:";
}

/**
 * Step 4, final verified response:
 * `Context: {draft}.\nFrom another source,\n{Q/A pairs}\nResponse:`. In factor+revise each
 * pair carries its cross-check verdict.
 */
export function finalPrompt(draft: string, pairs: readonly VerifiedPair[]): string {
  const qa = pairs.map((p) =>
    `Q: ${p.question}\nA: ${p.answer}` + (p.verdict ? `\n${p.verdict}.` : "")
  ).join("\n");
  return `Context: ${stripPeriod(draft)}.\nFrom another source,\n${qa}\nResponse:`;
}

function stripPeriod(text: string): string {
  return text.trim().replace(/\.+$/, "");
}
