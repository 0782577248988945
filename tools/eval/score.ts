/**
 * Scoring model outputs against gold answers: an answer counts when a gold string occurs in
 * the output as whole words, case-insensitively; list answers are split the way CoVe's stage
 * splits its draft (functions/cove/list_items.ts) and scored by precision.
 *
 * @module
 */
import { parseListItems } from "../../functions/cove/list_items.ts";
import { containsWord } from "../../shared/words.ts";

/** Whole-word, case-insensitive match (shared/words.ts), re-exported for the sections. */
export { containsWord };

/**
 * 1 when any gold answer occurs in the output (whole words, any case), else 0.
 *
 * @example
 * ```ts
 * answerCorrect("The capital of Boria is Tenholm.", ["Tenholm"]); // 1
 * ```
 */
export function answerCorrect(output: string, answers: readonly string[]): 0 | 1 {
  return answers.some((a) => containsWord(output, a)) ? 1 : 0;
}

/** The items of a list answer and how many of them are gold members. */
export interface ListScore {
  readonly items: string[];
  /** Items that name a gold member; each gold member is credited to one item at most. */
  readonly correct: number;
  /** correct / items, 0 when nothing is listed. */
  readonly precision: number;
}

/**
 * Precision of a list answer: its items (parsed as functions/cove parses a draft) that name
 * a distinct gold member, over the items listed; an empty list scores 0.
 *
 * @example
 * ```ts
 * listPrecision("Tenholm, Arlen and Qux.", ["Tenholm", "Arlen", "Bly"]).precision; // 2 / 3
 * ```
 */
export function listPrecision(output: string, answers: readonly string[]): ListScore {
  const items = parseListItems(output);
  const used = new Set<number>();
  let correct = 0;
  for (const item of items) {
    const at = answers.findIndex((a, i) => !used.has(i) && containsWord(item, a));
    if (at < 0) continue;
    used.add(at);
    correct++;
  }
  return { items, correct, precision: items.length === 0 ? 0 : correct / items.length };
}
