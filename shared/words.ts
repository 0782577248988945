/**
 * Whole-word matching of names and numbers in model output, shared by the edge (CoVe's list
 * verification) and the evaluation's scoring.
 *
 * @module
 */

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Whether `gold` occurs in `output` as whole words (not inside a longer word or number),
 * ignoring case.
 *
 * @example
 * ```ts
 * containsWord("It was founded in 1845.", "1845"); // true
 * containsWord("It was founded in 18456.", "1845"); // false
 * ```
 */
export function containsWord(output: string, gold: string): boolean {
  const g = gold.trim();
  if (g === "") return false;
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(g)}(?![\\p{L}\\p{N}])`, "iu");
  return pattern.test(output);
}

/**
 * A list in prose: "A", "A and B", "A, B and C" (the world's list answers and CoVe's verified
 * lists).
 *
 * @example
 * ```ts
 * proseList(["A", "B", "C"]); // "A, B and C"
 * ```
 */
export function proseList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
