/**
 * The prover phase of a round: each prover samples solutions from its policy, the fixed verifier
 * scores them, SRC turns scores into rewards per (problem, role) group, and a REINFORCE step with
 * a leave-one-out baseline follows. Sampling and rewards run on the host; the step is jit-ed.
 *
 * @module
 */
import type { numpy as np } from "@jax-js/jax";
import { fromHost, type LabDtype } from "../device.ts";
import { permutation, type Rng } from "../rng.ts";
import { sampleSolution, type SolutionDistribution } from "./mixture.ts";
import type { Policy } from "./prover.ts";
import type { PvgTask } from "./pvg_task.ts";
import { leaveOneOutAdvantages, type Role, srcRewards } from "./src_reward.ts";

/** Policy-gradient weights of one step and what the sampled batch looked like. */
export type ReinforceBatch = {
  /** Advantage / samples at each sampled (x, z): [problems, solutionsPadded] row-major. */
  weights: Float64Array;
  meanReward: number;
  /** Fraction of sampled solutions that were correct. */
  accuracy: number;
  /** Fraction of sampled solutions that were incorrect yet accepted (score > 0). */
  fooled: number;
};

/** Sizes of one REINFORCE step. */
export type ReinforceShape = { problemsPerStep: number; samplesPerProblem: number };

/**
 * Sample `samplesPerProblem` solutions for each of `problemsPerStep` random problems from
 * `probs`, reward them with SRC against the verifier `scores` [problems * solutions], and
 * return the REINFORCE weights (RLOO advantages divided by the number of samples).
 */
export function reinforceBatch(
  task: PvgTask,
  probs: SolutionDistribution,
  scores: Float64Array,
  correct: Uint8Array,
  role: Role,
  shape: ReinforceShape,
  rng: Rng,
): ReinforceBatch {
  const weights = new Float64Array(task.problems * task.solutionsPadded);
  const chosen = permutation(rng, task.problems).slice(0, shape.problemsPerStep);
  const k = shape.samplesPerProblem;
  const total = chosen.length * k;
  let rewardSum = 0;
  let correctCount = 0;
  let fooledCount = 0;
  for (const x of chosen) {
    const zs = Array.from({ length: k }, () => sampleSolution(task, probs, x, rng));
    const ok = zs.map((z) => correct[x * task.solutions + z] === 1);
    const rewards = srcRewards(zs.map((z) => scores[x * task.solutions + z]!), ok, role);
    const adv = leaveOneOutAdvantages(rewards);
    zs.forEach((z, i) => {
      weights[x * task.solutionsPadded + z]! += adv[i]! / total;
      rewardSum += rewards[i]!;
      if (ok[i]) correctCount++;
      else if (scores[x * task.solutions + z]! > 0) fooledCount++;
    });
  }
  return {
    weights,
    meanReward: rewardSum / total,
    accuracy: correctCount / total,
    fooled: fooledCount / total,
  };
}

/** What every REINFORCE step of a prover phase shares. */
export type ReinforceContext = {
  task: PvgTask;
  /** Prover inputs of every problem [problems, proverDim] (not consumed). */
  proverX: np.Array;
  /** The fixed verifier's scores [problems * solutions]. */
  scores: Float64Array;
  correct: Uint8Array;
  shape: ReinforceShape;
  dtype: LabDtype;
  rng: Rng;
};

/** One REINFORCE step of `policy` in `role`; resolves to the sampled batch's statistics. */
export async function reinforceStep(
  ctx: ReinforceContext,
  policy: Policy,
  role: Role,
): Promise<Omit<ReinforceBatch, "weights">> {
  const { task, proverX, dtype } = ctx;
  const probs = await policy.probabilities(proverX.ref);
  const batch = reinforceBatch(task, probs, ctx.scores, ctx.correct, role, ctx.shape, ctx.rng);
  const w = fromHost(batch.weights, [task.problems, task.solutionsPadded], dtype);
  policy.step(proverX.ref, w).dispose();
  return { meanReward: batch.meanReward, accuracy: batch.accuracy, fooled: batch.fooled };
}
