/**
 * Ranking metrics with graded relevance: nDCG@k (gain 2^rel - 1, log2 discount, as in trec_eval
 * and BEIR) and recall@k.
 *
 * @module
 */

/** Relevance grades by document id (0 or missing = not relevant). */
export type Judgements = Readonly<Record<string, number>>;

/** Ids in order of first appearance (passages of one document collapse to its best rank). */
export function dedupe(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

function dcg(grades: readonly number[]): number {
  return grades.reduce((sum, rel, i) => sum + (2 ** rel - 1) / Math.log2(i + 2), 0);
}

/**
 * nDCG@k of a ranking of document ids; 0 when nothing is relevant.
 *
 * @example
 * ```ts
 * ndcgAt(["a", "b"], { b: 1 }, 10); // 1 / log2(3) ≈ 0.631
 * ```
 */
export function ndcgAt(ranking: readonly string[], judgements: Judgements, k: number): number {
  const gains = dedupe(ranking).slice(0, k).map((id) => judgements[id] ?? 0);
  const ideal = Object.values(judgements).filter((g) => g > 0).sort((a, b) => b - a).slice(0, k);
  const best = dcg(ideal);
  return best === 0 ? 0 : dcg(gains) / best;
}

/** Share of the relevant documents found in the first k (0 when nothing is relevant). */
export function recallAt(ranking: readonly string[], judgements: Judgements, k: number): number {
  const relevant = Object.entries(judgements).filter(([, g]) => g > 0).map(([id]) => id);
  if (relevant.length === 0) return 0;
  const top = new Set(dedupe(ranking).slice(0, k));
  return relevant.filter((id) => top.has(id)).length / relevant.length;
}

/** Arithmetic mean (0 for an empty list). */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
