/**
 * The final answer of a solution, GSM8K style (Cobbe et al. 2021): the number after `####`,
 * else the last number of the text (calculator annotations `<<...>>` are skipped, so
 * "<<3*40=120>>120 coins. The answer is 120." reads 120). Numbers are compared exactly:
 * "1,200", "1200.0" and "$1200" are the same answer, "1200".
 *
 * @module
 */
import { format, neg, parseDecimal } from "../../verify/rational.ts";

/** A final answer and where it was read. */
export interface FinalAnswerRead {
  /** The answer in canonical form ("1200", "-2.5", "10/3"), or null when there is none. */
  answer: string | null;
  source: "hash" | "last_number" | null;
}

const HASH = /####\s*\$?\s*(-?[\d,]*\.?\d+)/;
// A minus sign counts only when it does not follow a word or a number ("ages 10-12" reads 12).
const NUMBER = /(?:(?<![\w).])-)?(?:\d[\d,]*(?:\.\d+)?|\.\d+)/g;
const ANNOTATION = /<<[^<>]*>>/g;

/**
 * The canonical form of a number as written ("1,200.50" -> "1200.5"), or null when it is
 * not a plain decimal.
 */
export function canonicalNumber(written: string): string | null {
  const text = written.replace(/[,$\s]/g, "");
  const negative = text.startsWith("-");
  const value = parseDecimal(negative ? text.slice(1) : text);
  if (value === null) return null;
  return format(negative ? neg(value) : value);
}

/**
 * Read the final answer of a solution.
 *
 * @example
 * ```ts
 * finalAnswer("48/2 = <<48/2=24>>24\n#### 24"); // { answer: "24", source: "hash" }
 * finalAnswer("3 * 40 = <<3*40=120>>120 coins. The answer is 120."); // "120", "last_number"
 * ```
 */
export function finalAnswer(text: string): FinalAnswerRead {
  const hash = HASH.exec(text);
  const fromHash = hash?.[1] === undefined ? null : canonicalNumber(hash[1]);
  if (fromHash !== null) return { answer: fromHash, source: "hash" };
  const numbers = text.replace(ANNOTATION, " ").match(NUMBER) ?? [];
  for (let i = numbers.length - 1; i >= 0; i--) {
    const answer = canonicalNumber(numbers[i] ?? "");
    if (answer !== null) return { answer, source: "last_number" };
  }
  return { answer: null, source: null };
}
