/**
 * The System 2 Attention rewrite prompts, verbatim from Weston & Sukhbaatar 2023
 * ("System 2 Attention (is something you might need too)", Figure 2 and the relevance
 * variant used for distractor-laden problems, Appendix).
 *
 * @module
 */

/** Which S2A rewrite prompt to use. */
export type S2AVariant = "unbiased" | "relevance";

/** The two section labels each prompt asks the model to write. */
export const S2A_LABELS: Readonly<Record<S2AVariant, { context: string; question: string }>> = {
  unbiased: {
    context: "Unbiased text context (includes all content except user's bias):",
    question: "Question/Query (does not include user bias/preference):",
  },
  relevance: {
    context:
      "Context text related to the question (includes all content except unrelated sentences):",
    question: "Detailed question:",
  },
};

/**
 * P_S2A(x): the paper's rewrite prompt around the user's text x.
 *
 * @example
 * ```ts
 * s2aPrompt("I think it's 5. How many apples?", "unbiased");
 * ```
 */
export function s2aPrompt(input: string, variant: S2AVariant): string {
  const labels = S2A_LABELS[variant];
  const instruction = variant === "unbiased"
    ? "Given the following text by a user, extract the part that is unbiased and not their " +
      "opinion, so that using that text alone would be good context for providing an unbiased " +
      "answer to the question portion of the text. Please include the actual question or query " +
      "that the user is asking. Separate this into two categories labeled with " +
      `"${labels.context}" and "${labels.question}".`
    : "Given the following text by a user, extract the part that is related and useful, so " +
      "that using that text alone would be good context for providing an accurate and correct " +
      "answer to the question portion of the text. Please include the actual question or query " +
      "that the user is asking. Separate this into two categories labeled with " +
      `"${labels.context}" and "${labels.question}". Do not use list.`;
  return `${instruction}\n\nText by User: ${input}`;
}

/**
 * x' = the rewritten input that REPLACES x for every later stage: the extracted context
 * followed by the extracted question (the paper answers from x' alone; keeping x as well
 * dropped opinionated TriviaQA accuracy from 80.3% to 74.5%).
 */
export function rewrittenInput(context: string, question: string): string {
  return [context.trim(), question.trim()].filter((p) => p !== "").join("\n\n");
}
