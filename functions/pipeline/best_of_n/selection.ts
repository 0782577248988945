/**
 * Picking the answer of best-of-n: the top-scored candidate (Cobbe et al. 2021's verifier
 * ranking) or a verifier-weighted majority vote over the candidates' final answers (each
 * candidate adds its verifier score to its answer; the heaviest answer wins). Ties go to the
 * larger count, then to the answer seen first, so the choice is deterministic.
 *
 * @module
 */

/** A candidate as selection sees it. */
export interface ScoredCandidate {
  index: number;
  /** Canonical final answer, or null when the candidate states none. */
  answer: string | null;
  /** Verifier score in [0, 1] (1 for every survivor of the arithmetic filter alone). */
  score: number;
}

/** The votes one final answer received. */
export interface VoteTally {
  answer: string;
  /** Sum of the verifier scores of the candidates giving this answer. */
  weight: number;
  count: number;
  /** Index of the best-scored candidate giving this answer. */
  best: number;
}

/** What selection decided. */
export interface Selection {
  /** Index of the chosen candidate, or null when there was none to choose. */
  chosen: number | null;
  /** The vote table, heaviest first (empty for "top"). */
  tallies: VoteTally[];
  /** True when "vote" found no final answer to vote on and took the top candidate. */
  voteFallback: boolean;
}

/**
 * Index of the highest-scored candidate (the first one on ties), or null for none.
 *
 * @example
 * ```ts
 * topCandidate([{ index: 0, answer: "1", score: 0.2 }, { index: 1, answer: "2", score: 0.9 }]); // 1
 * ```
 */
export function topCandidate(cands: readonly ScoredCandidate[]): number | null {
  let best: ScoredCandidate | undefined;
  for (const c of cands) if (best === undefined || c.score > best.score) best = c;
  return best?.index ?? null;
}

/** The vote table over the candidates that state an answer, heaviest first. */
export function tallyVotes(cands: readonly ScoredCandidate[]): VoteTally[] {
  const byAnswer = new Map<string, VoteTally & { bestScore: number; order: number }>();
  for (const c of cands) {
    if (c.answer === null) continue;
    const t = byAnswer.get(c.answer);
    if (t === undefined) {
      byAnswer.set(c.answer, {
        answer: c.answer,
        weight: c.score,
        count: 1,
        best: c.index,
        bestScore: c.score,
        order: byAnswer.size,
      });
      continue;
    }
    t.weight += c.score;
    t.count += 1;
    if (c.score > t.bestScore) [t.best, t.bestScore] = [c.index, c.score];
  }
  return [...byAnswer.values()]
    .sort((a, b) => b.weight - a.weight || b.count - a.count || a.order - b.order)
    .map(({ answer, weight, count, best }) => ({ answer, weight, count, best }));
}

/**
 * Select by "top" or "vote". A vote's chosen candidate is the best-scored one giving the
 * winning answer; with no answer to vote on, "vote" falls back to "top".
 *
 * @example
 * ```ts
 * selectCandidate([
 *   { index: 0, answer: "7", score: 0.9 },
 *   { index: 1, answer: "8", score: 0.6 },
 *   { index: 2, answer: "8", score: 0.6 },
 * ], "vote").chosen; // 1: "8" weighs 1.2 against 0.9
 * ```
 */
export function selectCandidate(
  cands: readonly ScoredCandidate[],
  selection: "top" | "vote",
): Selection {
  if (selection === "top") return { chosen: topCandidate(cands), tallies: [], voteFallback: false };
  const tallies = tallyVotes(cands);
  const winner = tallies[0];
  if (winner === undefined) {
    return { chosen: topCandidate(cands), tallies, voteFallback: cands.length > 0 };
  }
  return { chosen: winner.best, tallies, voteFallback: false };
}
