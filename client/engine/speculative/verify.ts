/**
 * The speculative verifier: a pure function from the target's and the draft's distributions
 * and the draft's proposals to the tokens each row emits this round (Leviathan et al. 2023).
 *
 * @module
 */
import { argmax, type Rng, sampleFromWeights } from "../sampling/mod.ts";

/** What {@link verifyProposals} reads. Row b proposed `gammas[b]` tokens (0..gammaMax). */
export interface VerifyInput {
  readonly batch: number;
  readonly gammaMax: number;
  readonly vocabSize: number;
  /**
   * [batch, gammaMax + 1, vocab]: p_j, the target's sampling distribution of the token after
   * the row's pending token and its first j proposals (j = gammas[b] is the bonus position).
   * Probabilities for sampled rows; for greedy rows only the argmax is read, so processed
   * logits do (and keep the sampler's tie rule exact).
   */
  readonly target: Float32Array;
  /** [batch, gammaMax, vocab]: q_j, the draft distribution proposal j was drawn from (sampled rows). */
  readonly draft: Float32Array;
  /** [batch, gammaMax]: the draft's proposals d_1..d_gamma (0-based j). */
  readonly proposals: Int32Array;
  /** [batch]: proposals of each row. */
  readonly gammas: ArrayLike<number>;
  /** [batch]: true for temperature-0 rows (argmax agreement, no randomness). */
  readonly greedy: ArrayLike<boolean>;
  /** One generator per row (the row's own stream); greedy rows never draw. */
  readonly rngs: readonly Rng[];
}

/** What {@link verifyProposals} returns. */
export interface VerifyResult {
  /** [batch, gammaMax + 1]: the tokens each row emits this round, padded with -1. */
  readonly tokens: Int32Array;
  /** [batch]: how many proposals each row accepted (its emitted count is this + 1). */
  readonly accepted: Int32Array;
}

/**
 * Verify every row's proposals against the target.
 *
 * Sampled rows: proposal d_j is accepted with probability min(1, p_j(d_j) / q_j(d_j)); at the
 * first rejection the row emits a draw from norm(max(0, p_j - q_j)) and stops; when all are
 * accepted it also emits a bonus draw from p_gamma. The emitted tokens are distributed exactly
 * as draws from p, whatever q is. Greedy rows accept d_j iff it is argmax p_j and otherwise
 * emit argmax p_j (ties to the lowest id, as the plain sampler), then the bonus argmax p_gamma.
 *
 * Randomness comes only from `rngs`: one uniform per examined proposal and one per residual or
 * bonus draw. O(batch × gammaMax × vocab); allocates the outputs and one `[vocab]` scratch.
 *
 * @example
 * ```ts
 * const { tokens, accepted } = verifyProposals({ batch: 1, gammaMax: 2, vocabSize, target, draft,
 *   proposals, gammas: [2], greedy: [false], rngs: [createRng(7)] });
 * ```
 */
export function verifyProposals(input: VerifyInput): VerifyResult {
  const { batch: B, gammaMax: G, vocabSize: V } = input;
  const tokens = new Int32Array(B * (G + 1)).fill(-1); // [B, G + 1]
  const accepted = new Int32Array(B); // [B]
  const residual = new Float32Array(V); // [V] scratch
  for (let b = 0; b < B; b++) {
    const gamma = input.gammas[b] ?? 0;
    const greedy = input.greedy[b] === true;
    const rng = input.rngs[b] as Rng;
    const p = (j: number) =>
      input.target.subarray(((b * (G + 1)) + j) * V, ((b * (G + 1)) + j + 1) * V);
    const q = (j: number) => input.draft.subarray(((b * G) + j) * V, ((b * G) + j + 1) * V);
    let j = 0;
    let final = -1;
    for (; j < gamma; j++) {
      const d = input.proposals[b * G + j]!;
      const pj = p(j);
      if (greedy) {
        const best = argmax(pj);
        if (best === d) continue;
        final = best;
        break;
      }
      const qj = q(j);
      const pd = pj[d]!, qd = qj[d]!;
      // u < p/q, written without the division; q(d) = 0 cannot be drawn, so only p decides.
      if (qd > 0 ? rng.next() * qd < pd : pd > 0) continue;
      let total = 0;
      for (let i = 0; i < V; i++) {
        const r = pj[i]! - qj[i]!;
        residual[i] = r > 0 ? r : 0;
        total += residual[i]!;
      }
      // p and q equal up to rounding leave no residual mass: p itself is then the answer.
      final = total > 0 ? sampleFromWeights(residual, rng, total) : sampleFromWeights(pj, rng);
      break;
    }
    if (final < 0) {
      const bonus = p(gamma);
      final = greedy ? argmax(bonus) : sampleFromWeights(bonus, rng);
    }
    for (let i = 0; i < j; i++) tokens[b * (G + 1) + i] = input.proposals[b * G + i]!;
    tokens[b * (G + 1) + j] = final;
    accepted[b] = j;
  }
  return { tokens, accepted };
}
