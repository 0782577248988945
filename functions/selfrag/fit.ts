/**
 * Fitting Self-RAG into the client's context window (`context_tokens`; see
 * functions/pipeline/prompt_budget.ts).
 * - Candidates: the passage text is trimmed so that every prompt carrying it (the candidate
 *   prompt and, without reflection tokens, the judge prompts) keeps max_tokens free beside
 *   the answer so far. When the answer so far leaves less than max_tokens, the candidate's own
 *   max_tokens shrinks, and below {@link MIN_SEGMENT_TOKENS} it is not asked at all (its node
 *   ends where it is).
 * - Critiques append model text (the candidate's segment, the answer so far) to a prompt; that
 *   text is counted by its bytes and cut from its end when the prompt would not fit.
 *
 * @module
 */
import type { Passage } from "../../shared/retrieval.ts";
import {
  answerRoom,
  fitModelText,
  modelTextTokens,
  passageCharBudget,
  trimToChars,
} from "../pipeline/prompt_budget.ts";
import type { StageEnv } from "../pipeline/stage.ts";
import {
  candidatePrompt,
  JUDGE,
  judgeCompletePrompt,
  judgeRelevancePrompt,
  judgeSupportPrompt,
  judgeUtilityPrompt,
} from "./prompts.ts";
import { SUPPORT_TOKENS, UTILITY_TOKENS } from "./tokens.ts";

/** Fewest answer tokens worth asking a candidate for. */
export const MIN_SEGMENT_TOKENS = 8;

/** A passage as it goes into the prompts, and the answer budget of its candidate. */
export interface FittedCandidate {
  passage: Passage;
  maxTokens: number;
  /** False when the window leaves fewer than MIN_SEGMENT_TOKENS to answer. */
  fits: boolean;
}

/**
 * The longest prompt text that carries the passage, without the answer so far (which is
 * model text, counted apart).
 */
function longestCarrier(env: StageEnv, p: Pick<Passage, "title" | "text">): string {
  const carriers = [candidatePrompt(env.question, "", p)];
  if (!env.options.selfrag.reflection_tokens) {
    // Judges that do not carry the passage are counted as if they did: an overestimate.
    carriers.push(
      judgeRelevancePrompt(env.question, p),
      judgeSupportPrompt(p, ""),
      judgeUtilityPrompt(env.question, "") + p.text,
      judgeCompletePrompt(env.question, "") + p.text,
    );
  }
  return carriers.reduce((a, b) => (b.length > a.length ? b : a));
}

/** Trim the passage and size the candidate's answer for the run's window. */
export function fitCandidate(env: StageEnv, prefix: string, passage: Passage): FittedCandidate {
  const max = env.options.max_tokens;
  const bare = longestCarrier(env, { title: passage.title, text: "" });
  const text = trimToChars(passage.text, passageCharBudget(env.options, bare, prefix));
  const fitted = text === passage.text ? passage : { ...passage, text };
  const maxTokens = answerRoom(env.options, longestCarrier(env, fitted), prefix);
  return { passage: fitted, maxTokens, fits: maxTokens >= Math.min(max, MIN_SEGMENT_TOKENS) };
}

/**
 * Tokens a critique prompt keeps free: the scored position, plus the longest score string
 * (the client scores a string of several tokens with teacher-forced rows that append its
 * pieces to the prompt), counted by bytes.
 */
export const CRITIQUE_RESERVE_TOKENS = 1 + Math.max(
  ...[...SUPPORT_TOKENS, ...UTILITY_TOKENS, ...Object.values(JUDGE).flatMap((j) => j.tokens)]
    .map(modelTextTokens),
);

/**
 * Model text for a critique prompt whose other text is `carrier`, cut from its end so the
 * prompt leaves {@link CRITIQUE_RESERVE_TOKENS} and the margin free.
 */
export function fitCritiqueText(env: StageEnv, carrier: string, modelText: string): string {
  return fitModelText(env.options, carrier, modelText, CRITIQUE_RESERVE_TOKENS);
}
