/**
 * Self-RAG's critique scores, computed from the probabilities of reflection tokens (or of
 * judge answers) that the client returns (Asai et al., ICLR 2024, Section 3.3 "Tree-decoding
 * with critique tokens").
 *
 * @module
 */
import { UTILITY_WEIGHTS } from "./tokens.ts";

/** Thrown when the client's scores lack a token that was asked for. */
export class MissingScoreError extends Error {
  constructor(readonly token: string) {
    super(`Cannot score as 'scores' must contain "${token}": it is missing`);
    this.name = "MissingScoreError";
  }
}

/** Read p[token] from a `{ token: prob }` map; a missing token is an error. */
export function prob(scores: Readonly<Record<string, number>>, token: string): number {
  const p = scores[token];
  if (p === undefined) throw new MissingScoreError(token);
  return p;
}

/** a / (a + b), or 0 when both are 0 (no evidence either way). */
export function normalized(a: number, b: number): number {
  return a + b > 0 ? a / (a + b) : 0;
}

/**
 * The retrieval gate: p[Retrieval] / (p[Retrieval] + p[No Retrieval]) > delta. Computed on
 * probabilities, not on the raw log-probabilities the reference short-form script divides
 * (which inverts the test).
 *
 * @example
 * ```ts
 * retrievalProbability(0.3, 0.6); // 1/3, so retrieve when delta = 0.2
 * ```
 */
export function retrievalProbability(pRetrieval: number, pNoRetrieval: number): number {
  return normalized(pRetrieval, pNoRetrieval);
}

/** rel = p[Relevant] / (p[Relevant] + p[Irrelevant]) */
export function relevanceScore(pRelevant: number, pIrrelevant: number): number {
  return normalized(pRelevant, pIrrelevant);
}

/** sup = (p[Fully] + 0.5 p[Partially]) / (p[Fully] + p[Partially] + p[No support]) */
export function supportScore(pFull: number, pPartial: number, pNone: number): number {
  const total = pFull + pPartial + pNone;
  return total > 0 ? (pFull + 0.5 * pPartial) / total : 0;
}

/** use = sum_i u_i p[Utility:i] / sum_i p[Utility:i], u = (-1, -0.5, 0, 0.5, 1) */
export function utilityScore(pUtility: readonly number[]): number {
  if (pUtility.length !== UTILITY_WEIGHTS.length) {
    throw new RangeError(
      `Cannot score utility as 'pUtility' must have 5 entries: current length is ${pUtility.length}`,
    );
  }
  const total = pUtility.reduce((a, b) => a + b, 0);
  if (total <= 0) return 0;
  return pUtility.reduce((acc, p, i) => acc + (UTILITY_WEIGHTS[i] ?? 0) * p, 0) / total;
}

/** exp(mean token log-probability): the optional sequence score; 0 for no tokens. */
export function sequenceScore(tokenLogprobs: readonly number[]): number {
  if (tokenLogprobs.length === 0) return 0;
  return Math.exp(tokenLogprobs.reduce((a, b) => a + b, 0) / tokenLogprobs.length);
}

/** Critique weights (paper defaults 1.0, 1.0, 0.5). */
export interface CritiqueWeights {
  w_rel: number;
  w_sup: number;
  w_use: number;
}

/** The scores of one candidate segment. */
export interface SegmentScores {
  rel: number;
  sup: number;
  use: number;
  /** Present when the sequence score is on. */
  seq?: number;
}

/**
 * Segment score S = w_rel*rel + w_sup*sup + w_use*use (+ seq when given).
 *
 * @example
 * ```ts
 * segmentScore({ rel: 0.8, sup: 0.75, use: 0.5 }, { w_rel: 1, w_sup: 1, w_use: 0.5 }); // 1.8
 * ```
 */
export function segmentScore(s: SegmentScores, w: CritiqueWeights): number {
  return w.w_rel * s.rel + w.w_sup * s.sup + w.w_use * s.use + (s.seq ?? 0);
}
