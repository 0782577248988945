/**
 * Reads a factor+revise cross-check (Dhuliawala et al. 2023, Section 3.4): the model says
 * whether a fact of the draft is `CONSISTENT.`, `INCONSISTENT.` or `PARTIALLY CONSISTENT.`
 * with the verification answer.
 *
 * @module
 */

/** A cross-check verdict; UNKNOWN when the output names none. */
export type Verdict = "CONSISTENT" | "INCONSISTENT" | "PARTIALLY CONSISTENT" | "UNKNOWN";

const PATTERNS: readonly [RegExp, Verdict][] = [
  [/\bpartial(?:ly)?[\s_-]*consistent\b/i, "PARTIALLY CONSISTENT"],
  [/\b(?:inconsistent|unconsistent|not[\s_-]+consistent|non[\s_-]?consistent)\b/i, "INCONSISTENT"],
  [/\bconsistent\b/i, "CONSISTENT"],
];

/**
 * The first verdict the output states (earliest position; the longer phrase wins a tie),
 * ignoring case, markdown and surrounding words.
 *
 * @example
 * ```ts
 * parseVerdict("**Partially consistent.** The year differs."); // "PARTIALLY CONSISTENT"
 * parseVerdict("The answer is not consistent with the fact"); // "INCONSISTENT"
 * ```
 */
export function parseVerdict(output: string): Verdict {
  const text = output.replace(/\*\*|__|`/g, "");
  let best: { at: number; len: number; verdict: Verdict } | null = null;
  for (const [re, verdict] of PATTERNS) {
    const m = re.exec(text);
    if (m === null) continue;
    const cand = { at: m.index, len: m[0].length, verdict };
    if (best === null || cand.at < best.at || (cand.at === best.at && cand.len > best.len)) {
      best = cand;
    }
  }
  return best?.verdict ?? "UNKNOWN";
}
