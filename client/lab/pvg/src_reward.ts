/**
 * The Signed Relative Convincingness reward of Kirchner et al. 2024 (Prover-Verifier Games
 * improve legibility of LLM outputs, eq. 2) and the REINFORCE baseline the lab uses with it.
 *
 * For one problem x and one role, a batch of solutions z_1..z_b with verifier scores V(x, z_i):
 *   V'(x, z_i) = V(x, z_i) - mean_j V(x, z_j)
 *   R_SRC(z_i) = (2 c_i - 1) (2 h - 1) V'(x, z_i)   if V'(x, z_i) > 0
 *              = -1                                  otherwise
 * with c_i = 1 when z_i is correct and h = 1 for the helpful role, 0 for the sneaky one.
 * Host-side: rewards feed the policy-gradient weights, they are never differentiated.
 *
 * @module
 */

/** The prover's role. */
export type Role = "helpful" | "sneaky";

/**
 * SRC rewards of one batch of solutions to the same problem under one role.
 *
 * @example
 * ```ts
 * srcRewards([2, 0], [true, true], "helpful"); // [1, -1]: V' = [1, -1]
 * ```
 */
export function srcRewards(
  scores: readonly number[],
  correct: readonly boolean[],
  role: Role,
): number[] {
  if (scores.length !== correct.length || scores.length === 0) {
    throw new RangeError(
      `Cannot compute SRC rewards as 'correct' must match 'scores' (${scores.length} > 0): current length is ${correct.length}`,
    );
  }
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const sign = role === "helpful" ? 1 : -1;
  // Rounding in the mean must not lift a score above average: equal scores give V' = 0 exactly.
  const tolerance = 1e-12 * (1 + Math.abs(mean));
  return scores.map((v, i) => {
    const centred = v - mean;
    return centred > tolerance ? (correct[i] ? 1 : -1) * sign * centred : -1;
  });
}

/**
 * Leave-one-out baseline (RLOO): each reward minus the mean of the others in its group, an
 * unbiased REINFORCE baseline. A group of one keeps its reward.
 */
export function leaveOneOutAdvantages(rewards: readonly number[]): number[] {
  const n = rewards.length;
  if (n < 2) return [...rewards];
  const total = rewards.reduce((a, b) => a + b, 0);
  return rewards.map((r) => r - (total - r) / (n - 1));
}
