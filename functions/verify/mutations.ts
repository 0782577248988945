/**
 * Mutations of a claimed result used to measure how often the verifier rejects a wrong
 * answer (the "arithmetic slips" of sneaky provers, Kirchner et al. 2024).
 *
 * @module
 */
import { evaluate } from "./expression.ts";
import { add, equals, format, mul, rational } from "./rational.ts";

/** The mutation kinds measured. */
export type MutationKind = "off_by_one" | "times_ten" | "swapped_digits";

/** Every mutation kind, in report order. */
export const MUTATION_KINDS: readonly MutationKind[] = [
  "off_by_one",
  "times_ten",
  "swapped_digits",
];

/**
 * Mutate a claimed result as printed. Returns null when the mutation does not apply or
 * does not change the value (x10 of 0, no two adjacent distinct digits to swap).
 *
 * - off_by_one: value + 1
 * - times_ten: value x 10
 * - swapped_digits: the last two adjacent, distinct digits swapped ("124" -> "142")
 *
 * @example
 * ```ts
 * mutateClaim("24", "swapped_digits"); // "42"
 * ```
 */
export function mutateClaim(claimed: string, kind: MutationKind): string | null {
  const value = evaluate(claimed);
  if (!value.ok) return null;
  let mutated: string | null = null;
  if (kind === "off_by_one") mutated = format(add(value.value, rational(1n)));
  if (kind === "times_ten") mutated = format(mul(value.value, rational(10n)));
  if (kind === "swapped_digits") mutated = swapLastDistinctDigits(claimed);
  if (mutated === null) return null;
  const check = evaluate(mutated);
  if (!check.ok || equals(check.value, value.value)) return null;
  return mutated;
}

function swapLastDistinctDigits(text: string): string | null {
  for (let i = text.length - 2; i >= 0; i--) {
    const a = text[i] ?? "";
    const b = text[i + 1] ?? "";
    if (/\d/.test(a) && /\d/.test(b) && a !== b) {
      return text.slice(0, i) + b + a + text.slice(i + 2);
    }
  }
  return null;
}
