/**
 * The verifier's objective: a Bradley-Terry (pairwise logistic) loss on pairs of solutions to the
 * same problem, one correct and one incorrect, as in Kirchner et al. 2024:
 *   L = mean over pairs of -log sigmoid(V(x, z+) - V(x, z-))
 * The loss only sees score differences, so scores may drift by a constant; a small penalty
 * `scorePenalty * mean(V^2)` (our choice) keeps them centred at 0, which makes "V > 0" a usable
 * acceptance threshold on balanced data.
 *
 * @module
 */
import { nn, numpy as np } from "@jax-js/jax";

/**
 * Mean Bradley-Terry loss of paired scores pos [pairs] (correct) and neg [pairs] (incorrect),
 * plus `scorePenalty * mean(V^2)` over both sides. Consumes `pos` and `neg`; traceable.
 */
export function bradleyTerryLoss(pos: np.Array, neg: np.Array, scorePenalty: number): np.Array {
  const pairwise = nn.softplus(neg.ref.sub(pos.ref)).mean(); // -log sigmoid(pos - neg)
  if (scorePenalty === 0) {
    pos.dispose();
    neg.dispose();
    return pairwise;
  }
  const centring = np.square(pos).mean().add(np.square(neg).mean()).mul(scorePenalty / 2);
  return pairwise.add(centring);
}

/** The same loss on host numbers (float64), for checks and reports. */
export function bradleyTerryLossHost(
  pos: readonly number[],
  neg: readonly number[],
  scorePenalty: number,
): number {
  let pairwise = 0;
  let squares = 0;
  for (let i = 0; i < pos.length; i++) {
    const d = pos[i]! - neg[i]!;
    pairwise += d > 0 ? Math.log1p(Math.exp(-d)) : -d + Math.log1p(Math.exp(d));
    squares += pos[i]! ** 2 + neg[i]! ** 2;
  }
  return pairwise / pos.length + (scorePenalty / 2) * (squares / pos.length);
}
