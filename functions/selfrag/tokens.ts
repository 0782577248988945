/**
 * The Self-RAG reflection-token vocabulary, verbatim (Asai et al., ICLR 2024; the special
 * tokens added to the AkariAsai/self-rag checkpoints).
 *
 * @module
 */

/** Retrieve: whether to retrieve before the next segment. */
export const RETRIEVAL_TOKENS = [
  "[Retrieval]",
  "[No Retrieval]",
  "[Continue to Use Evidence]",
] as const;
/** IsRel: is the passage relevant to the input. */
export const RELEVANCE_TOKENS = ["[Relevant]", "[Irrelevant]"] as const;
/** IsSup: is the segment supported by the passage. */
export const SUPPORT_TOKENS = [
  "[Fully supported]",
  "[Partially supported]",
  "[No support / Contradictory]",
] as const;
/** IsUse: how useful the response is, 1 (worst) to 5 (best). */
export const UTILITY_TOKENS = [
  "[Utility:1]",
  "[Utility:2]",
  "[Utility:3]",
  "[Utility:4]",
  "[Utility:5]",
] as const;
/** Evidence delimiters. */
export const PARAGRAPH_TOKENS = ["<paragraph>", "</paragraph>"] as const;

/** Every reflection and control token of the Self-RAG vocabulary. */
export const REFLECTION_TOKENS: readonly string[] = [
  ...RETRIEVAL_TOKENS,
  ...RELEVANCE_TOKENS,
  ...SUPPORT_TOKENS,
  ...UTILITY_TOKENS,
  ...PARAGRAPH_TOKENS,
];

/** Utility weights u_i for [Utility:1]..[Utility:5] (the reference implementation's). */
export const UTILITY_WEIGHTS = [-1, -0.5, 0, 0.5, 1] as const;

/**
 * Remove every reflection token, `</s>` and any evidence paragraph the model echoed, so
 * only the answer text remains.
 *
 * @example
 * ```ts
 * stripReflection("[Relevant]Paris.[Fully supported][Utility:5]"); // "Paris."
 * ```
 */
export function stripReflection(text: string): string {
  let out = text.replace(/<paragraph>[\s\S]*?<\/paragraph>/g, "");
  for (const t of [...REFLECTION_TOKENS, "</s>"]) out = out.split(t).join("");
  return out.trim();
}
