/**
 * Self-RAG prompt formats (Asai et al., ICLR 2024; AkariAsai/self-rag `format_prompt`) and
 * the judge prompts that stand in for reflection tokens on a model without them.
 *
 * @module
 */
import type { Passage } from "../../shared/retrieval.ts";
import { SUPPORT_TOKENS, UTILITY_TOKENS } from "./tokens.ts";

/** `### Instruction:\n{q}\n\n### Response:\n` */
export function instructionPrompt(question: string): string {
  return `### Instruction:\n${question}\n\n### Response:\n`;
}

/** Evidence as the model was trained to read it: `[Retrieval]<paragraph>{title}\n{text}</paragraph>` */
export function evidence(p: Pick<Passage, "title" | "text">): string {
  return `[Retrieval]<paragraph>${p.title}\n${p.text}</paragraph>`;
}

/** A candidate for the next segment: the prompt, the answer so far, one passage. */
export function candidatePrompt(
  question: string,
  prefix: string,
  p: Pick<Passage, "title" | "text">,
): string {
  return instructionPrompt(question) + prefix + evidence(p);
}

/** Answer without evidence; a reflection-token model is told `[No Retrieval]`. */
export function noRetrievalPrompt(question: string, reflection: boolean): string {
  return instructionPrompt(question) + (reflection ? "[No Retrieval]" : "");
}

function firstIndex(text: string, tokens: readonly string[]): number {
  const at = tokens.map((t) => text.indexOf(t)).filter((i) => i >= 0);
  return at.length === 0 ? -1 : Math.min(...at);
}

/** What a reflection-token model wrote after the evidence, split for critique. */
export interface CandidateParts {
  /** The raw text of this segment (cut before a later `[Retrieval]`). */
  raw: string;
  /** The model asked for more evidence after this segment. */
  wantsMore: boolean;
  /** Text up to where the IsSup token is read. */
  supPrefix: string;
  /** Text up to where the IsUse token is read. */
  usePrefix: string;
}

/**
 * Split a candidate's generated text: IsSup is read where the model wrote its support
 * token (else at the end of the segment), IsUse where it wrote its utility token (else
 * after the support token it wrote), as the reference reads them from the positions of
 * the generated reflection tokens.
 *
 * @example
 * ```ts
 * candidateParts("[Relevant]Paris.[Fully supported][Utility:5]");
 * // { raw: ..., wantsMore: false, supPrefix: "[Relevant]Paris.",
 * //   usePrefix: "[Relevant]Paris.[Fully supported]" }
 * ```
 */
export function candidateParts(text: string): CandidateParts {
  const more = text.indexOf("[Retrieval]");
  const raw = more >= 0 ? text.slice(0, more) : text;
  const useAt = firstIndex(raw, UTILITY_TOKENS);
  const supAt = firstIndex(raw, SUPPORT_TOKENS);
  const end = firstIndex(raw, [...UTILITY_TOKENS, "</s>"]);
  const supPrefix = supAt >= 0 ? raw.slice(0, supAt) : end >= 0 ? raw.slice(0, end) : raw;
  const supToken = SUPPORT_TOKENS.find((t) => supAt >= 0 && raw.startsWith(t, supAt)) ?? "";
  const usePrefix = useAt >= 0 ? raw.slice(0, useAt) : supPrefix + supToken;
  return { raw, wantsMore: more >= 0, supPrefix, usePrefix };
}

/** Judge prompts and the answer words whose probabilities they are scored on. */
export const JUDGE = {
  gate: { tokens: ["Yes", "No"] as const },
  relevance: { tokens: ["Relevant", "Irrelevant"] as const },
  support: { tokens: ["Fully", "Partially", "No"] as const },
  utility: { tokens: ["1", "2", "3", "4", "5"] as const },
  complete: { tokens: ["Yes", "No"] as const },
};

/** Retrieve? (stands in for [Retrieval] / [No Retrieval]) */
export function judgeGatePrompt(question: string): string {
  return `Question: ${question}\nWould looking up a document help answer this question ` +
    "accurately? Answer Yes or No.\nAnswer:";
}

/** IsRel (stands in for [Relevant] / [Irrelevant]) */
export function judgeRelevancePrompt(question: string, p: Pick<Passage, "title" | "text">): string {
  return `Passage: ${p.title}\n${p.text}\n\nQuestion: ${question}\nIs the passage relevant to ` +
    "the question? Answer Relevant or Irrelevant.\nAnswer:";
}

/** IsSup (stands in for [Fully supported] / [Partially supported] / [No support / Contradictory]) */
export function judgeSupportPrompt(p: Pick<Passage, "title" | "text">, statement: string): string {
  return `Passage: ${p.title}\n${p.text}\n\nStatement: ${statement}\nIs the statement supported ` +
    "by the passage? Answer Fully, Partially or No.\nAnswer:";
}

/** IsUse (stands in for [Utility:1]..[Utility:5]) */
export function judgeUtilityPrompt(question: string, answer: string): string {
  return `Question: ${question}\nAnswer: ${answer}\nRate how useful the answer is for the ` +
    "question, from 1 (not useful) to 5 (very useful).\nRating:";
}

/** Should the answer go on with another segment? (a plain model cannot emit [Retrieval]) */
export function judgeCompletePrompt(question: string, answer: string): string {
  return `Question: ${question}\nAnswer so far: ${answer}\nIs the answer complete? Answer Yes ` +
    "or No.\nAnswer:";
}
