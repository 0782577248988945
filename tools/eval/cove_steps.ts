/**
 * Step-wise figures of a Chain-of-Verification run (Dhuliawala et al. 2023) on a list
 * question, read from its trace: does the plan verify the draft's own items, and does the
 * final response keep and drop draft items (CoVe's purpose) or name new ones. They locate
 * where a run loses the draft's right items, which precision alone cannot show. Names match
 * as whole words in any case (score.ts `containsWord`). The removal ceiling bounds what any
 * verification that only removes items (CoVe's purpose) can reach on a draft.
 *
 * @module
 */
import { parseListItems } from "../../functions/cove/list_items.ts";
import { containsWord, listPrecision } from "./score.ts";

/**
 * Share (0-1) of the draft's items that at least one planned verification question names
 * exactly; undefined when the draft lists no item.
 *
 * @example
 * ```ts
 * planCoverage("Arlen and Bly.", ["In which country is Arlen?", "In which country is Blyth?"]); // 0.5
 * ```
 */
export function planCoverage(draft: string, questions: readonly string[]): number | undefined {
  const items = parseListItems(draft);
  if (items.length === 0) return undefined;
  return items.filter((item) => questions.some((q) => containsWord(q, item))).length / items.length;
}

/**
 * Share (0-1) of the final response's items that the draft listed (the rest are new names);
 * undefined when the final response lists no item.
 *
 * @example
 * ```ts
 * finalFromDraft("Arlen, Bly and Qux.", "Cities located in X: Arlen and Tenholm."); // 0.5
 * ```
 */
export function finalFromDraft(draft: string, output: string): number | undefined {
  const drafted = new Set(parseListItems(draft).map((i) => i.toLowerCase()));
  const items = parseListItems(output);
  if (items.length === 0) return undefined;
  return items.filter((i) => drafted.has(i.toLowerCase())).length / items.length;
}

/**
 * Precision (0-1) a verification reaches on this draft by removing exactly its wrong items
 * and adding none: 1 when the draft names at least one gold member, else 0 (an answer left
 * empty scores 0, as in score.ts `listPrecision`). Its mean over questions minus the
 * baseline's precision is the largest gain CoVe's removals can bring.
 *
 * @example
 * ```ts
 * removalCeiling("Arlen and Qux.", ["Arlen", "Bly"]); // 1
 * removalCeiling("Qux.", ["Arlen", "Bly"]); // 0
 * ```
 */
export function removalCeiling(draft: string, answers: readonly string[]): number {
  return listPrecision(draft, answers).correct > 0 ? 1 : 0;
}
