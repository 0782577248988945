/**
 * The verifier of the game: a small MLP reading one-hot (problem, solution) and returning a score,
 * retrained from scratch every round (as in Kirchner et al. 2024, where each round's verifier
 * starts again from its initialisation and gets the same amount of optimisation) with the
 * Bradley-Terry loss on correct-vs-incorrect pairs drawn from the provers' mixture.
 *
 * @module
 */
import { jit, numpy as np, type OwnedFunction } from "@jax-js/jax";
import { fromHost, type LabDtype, toHost } from "../device.ts";
import { initMlp, mlpApply, MlpConfig } from "../mlp.ts";
import { paramCount, type Params } from "../params.ts";
import type { Rng } from "../rng.ts";
import { Trainer } from "../trainer.ts";
import { bradleyTerryLoss } from "./bradley_terry.ts";
import { type Mixture, sampleMixture } from "./mixture.ts";
import { type PvgTask, writeVerifierFeatures } from "./pvg_task.ts";

/** How the verifier is built and trained. */
export type VerifierOptions = {
  hidden: number;
  lr: number;
  steps: number;
  batchSize: number;
  scorePenalty: number;
  dtype: LabDtype;
};

/** Correct-vs-incorrect pairs as verifier inputs: pos and neg [pairs, verifierDim]. */
export type VerifierPairs = { pos: Float64Array; neg: Float64Array; count: number };

/** What one round's verifier training produced. */
export type TrainedVerifier = {
  /** V(x, z) for every problem and solution: [problems * solutions] row-major. */
  scores: Float64Array;
  pairs: number;
  /** Training loss at the last step. */
  finalLoss: number;
  paramCount: number;
};

/** Verifier scores [rows] of inputs [rows, verifierDim] (consumes both; traceable). */
export function verifierApply(config: MlpConfig, params: Params, x: np.Array): np.Array {
  return mlpApply(config, params, x).reshape([-1]);
}

/** The verifier's MLP shape for a task. */
export function verifierConfig(task: PvgTask, hidden: number): MlpConfig {
  return MlpConfig.parse({ sizes: [task.verifierDim, hidden, 1], activation: "relu" });
}

/** Scalar parameters of the verifier of `task` with `hidden` units. */
export function verifierParamCount(task: PvgTask, hidden: number): number {
  return task.verifierDim * hidden + hidden + hidden + 1;
}

/**
 * Draw `samplesPerProblem` solutions per problem from the mixture and pair its correct and
 * incorrect draws at random (min of the two counts per problem): balanced by construction.
 */
export function buildPairs(
  task: PvgTask,
  mixture: Mixture,
  correct: Uint8Array,
  samplesPerProblem: number,
  rng: Rng,
): VerifierPairs {
  const posIdx: [number, number][] = [];
  const negIdx: [number, number][] = [];
  for (let x = 0; x < task.problems; x++) {
    const good: number[] = [];
    const bad: number[] = [];
    for (let k = 0; k < samplesPerProblem; k++) {
      const z = sampleMixture(task, mixture, x, rng);
      (correct[x * task.solutions + z] ? good : bad).push(z);
    }
    const n = Math.min(good.length, bad.length);
    for (let i = 0; i < n; i++) {
      posIdx.push([x, good[i]!]);
      negIdx.push([x, bad[i]!]);
    }
  }
  const encode = (idx: [number, number][]) => {
    const out = new Float64Array(idx.length * task.verifierDim);
    idx.forEach(([x, z], row) => writeVerifierFeatures(task, x, z, out, row));
    return out;
  };
  return { pos: encode(posIdx), neg: encode(negIdx), count: posIdx.length };
}

/**
 * Train a fresh verifier on `pairs` and score every (problem, solution). Consumes `allFeatures`
 * ([problems * solutions, verifierDim], from allVerifierFeatures).
 */
export async function trainVerifier(
  task: PvgTask,
  pairs: VerifierPairs,
  allFeatures: np.Array,
  options: VerifierOptions,
  rng: Rng,
): Promise<TrainedVerifier> {
  if (pairs.count === 0) {
    throw new RangeError(
      "Cannot train the verifier as 'pairs' must hold a correct and an incorrect solution of one problem: current count is 0",
    );
  }
  const config = verifierConfig(task, options.hidden);
  const params = initMlp(config, rng, options.dtype);
  const count = paramCount(params);
  const d = task.verifierDim;
  const trainer = new Trainer({
    loss: (p, pos, neg) => {
      const both = np.concatenate([pos, neg], 0); // [2 * batch, d]
      const scores = verifierApply(config, p, both); // [2 * batch]
      const n = scores.shape[0]! / 2;
      return bradleyTerryLoss(
        scores.ref.slice([0, n]),
        scores.slice([n, 2 * n]),
        options.scorePenalty,
      );
    },
    optimizer: { kind: "adamw", lr: options.lr },
    params,
    data: {
      x: fromHost(pairs.pos, [pairs.count, d], options.dtype), // [pairs, d]
      y: fromHost(pairs.neg, [pairs.count, d], options.dtype), // [pairs, d]
    },
    batchSize: options.batchSize,
    rng,
  });
  const score = jit((p: Params, x: np.Array) =>
    verifierApply(config, p, x)
  ) as unknown as OwnedFunction<(p: Params, x: np.Array) => np.Array>;
  try {
    let finalLoss = Number.NaN;
    for (let step = 1; step <= options.steps; step++) {
      const loss = trainer.step();
      if (step === options.steps) finalLoss = (await toHost(loss))[0]!;
      else loss.dispose();
      if (step % 25 === 0) await trainer.settle(); // see Trainer.settle
    }
    const scores = await toHost(score(trainer.params(), allFeatures));
    return { scores, pairs: pairs.count, finalLoss, paramCount: count };
  } finally {
    trainer.dispose();
    score.dispose();
  }
}
