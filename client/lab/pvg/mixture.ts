/**
 * The provers' mixture the verifier learns from. Following Kirchner et al. 2024, round r's
 * verifier sees the base prover and every earlier round's provers, each round with an equal share:
 * a group is the base prover or one round's (helpful, sneaky) pair, groups are drawn uniformly and
 * a member of the group uniformly. Distributions are exact policy probabilities on the host.
 *
 * @module
 */
import type { Rng } from "../rng.ts";
import type { PvgTask } from "./pvg_task.ts";

/** One prover's solution distribution: [problems, solutionsPadded] row-major. */
export type SolutionDistribution = Float64Array;

/** Groups of distributions with equal shares. */
export type Mixture = SolutionDistribution[][];

/** Draw one solution index from row `x` of `dist` (padding has zero mass). */
export function sampleSolution(
  task: PvgTask,
  dist: SolutionDistribution,
  x: number,
  rng: Rng,
): number {
  const row = x * task.solutionsPadded;
  let u = rng.uniform();
  for (let z = 0; z < task.solutions; z++) {
    u -= dist[row + z]!;
    if (u < 0) return z;
  }
  // Rounding left u just above the row's total: take the last solution with mass.
  for (let z = task.solutions - 1; z > 0; z--) if (dist[row + z]! > 0) return z;
  return 0;
}

/** Draw one solution to problem `x` from the mixture. */
export function sampleMixture(task: PvgTask, mixture: Mixture, x: number, rng: Rng): number {
  if (mixture.length === 0) {
    throw new RangeError(
      "Cannot sample the provers' mixture as it must hold a group: current group count is 0",
    );
  }
  const group = mixture[rng.int(mixture.length)]!;
  const dist = group[rng.int(group.length)]!;
  return sampleSolution(task, dist, x, rng);
}
