/**
 * One round of the prover-verifier game: (1) a fresh verifier learns from correct/incorrect pairs
 * drawn from the provers' mixture; (2) both provers take REINFORCE steps on the SRC reward
 * against it; (3) the round's exact checkability figures are taken before and after (2), and the
 * adapted provers join the mixture for later rounds.
 *
 * @module
 */
import type { numpy as np } from "@jax-js/jax";
import { report, type RunOptions, throwIfAborted, yieldToEventLoop } from "../experiment.ts";
import type { Rng } from "../rng.ts";
import {
  exactGameSamples,
  type GameMetrics,
  gameMetrics,
  verifierBalancedAccuracy,
} from "./metrics.ts";
import type { Mixture } from "./mixture.ts";
import type { Policy } from "./prover.ts";
import { type ReinforceContext, reinforceStep } from "./prover_training.ts";
import type { PvgSettings } from "./pvg_settings.ts";
import type { PvgTask } from "./pvg_task.ts";
import { buildPairs, trainVerifier } from "./verifier.ts";

/** What a game carries from round to round (the game owns the arrays and policies). */
export type GameState = {
  task: PvgTask;
  settings: PvgSettings;
  correct: Uint8Array;
  /** Prover inputs of every problem: [problems, proverDim]. */
  proverX: np.Array;
  /** Verifier inputs of every (problem, solution): [problems * solutions, verifierDim]. */
  allV: np.Array;
  helpful: Policy;
  sneaky: Policy;
  /** Base prover and every finished round's provers. */
  mixture: Mixture;
  /** The provers' current distributions, [problems, solutionsPadded] each. */
  probs: { helpful: Float64Array; sneaky: Float64Array };
  rng: Rng;
};

/** One round of the game: the verifier's figures after the provers adapted, plus context. */
export type PvgRound = GameMetrics & {
  round: number;
  /** Correct/incorrect pairs the verifier trained on. */
  verifier_pairs: number;
  verifier_loss: number;
  /** Balanced accuracy over every (problem, solution), whoever wrote it. */
  verifier_accuracy: number;
  /** Figures against the provers as they entered the round. */
  completeness_start: number;
  soundness_start: number;
  sneaky_success_start: number;
  /** Mean SRC reward of the round's REINFORCE batches. */
  helpful_reward: number;
  sneaky_reward: number;
  /**
   * First prover step of the round at which at least half of the sneaky prover's sampled batch
   * was incorrect and accepted (the paper's robustness measure: steps a sneaky prover needs to
   * fool a verifier); null when it never got there.
   */
  sneaky_fool_step: number | null;
};

/** Share of a sneaky batch that must be incorrect and accepted to count as fooling. */
const FOOL_SHARE = 0.5;

/** REINFORCE both provers against fixed verifier scores; resolves to their mean rewards. */
async function proverPhase(
  g: GameState,
  scores: Float64Array,
  round: number,
  options: RunOptions,
): Promise<{ helpful: number; sneaky: number; foolStep: number | null }> {
  const s = g.settings;
  const ctx: ReinforceContext = {
    task: g.task,
    proverX: g.proverX,
    scores,
    correct: g.correct,
    shape: { problemsPerStep: s.problemsPerStep, samplesPerProblem: s.samplesPerProblem },
    dtype: s.dtype,
    rng: g.rng,
  };
  const mean: { helpful: number; sneaky: number; foolStep: number | null } = {
    helpful: 0,
    sneaky: 0,
    foolStep: null,
  };
  for (let step = 0; step < s.proverSteps; step++) {
    throwIfAborted(options.signal);
    const h = await reinforceStep(ctx, g.helpful, "helpful");
    const k = await reinforceStep(ctx, g.sneaky, "sneaky");
    mean.helpful += h.meanReward / s.proverSteps;
    mean.sneaky += k.meanReward / s.proverSteps;
    if (mean.foolStep === null && k.fooled >= FOOL_SHARE) mean.foolStep = step + 1;
    const global = round * s.proverSteps + step + 1;
    report(options, {
      fraction: global / (s.rounds * s.proverSteps),
      message: `round ${round + 1} / ${s.rounds}, prover step ${step + 1} / ${s.proverSteps}`,
      series: "prover_training",
      point: {
        step: global,
        helpful_reward: h.meanReward,
        sneaky_reward: k.meanReward,
        helpful_batch_accuracy: h.accuracy,
        sneaky_batch_accuracy: k.accuracy,
        sneaky_batch_fooled: k.fooled,
      },
    });
    if (step % 10 === 9) await yieldToEventLoop();
  }
  return mean;
}

/** Play round `round`: updates `g.probs` and `g.mixture`; returns the round's row. */
export async function playRound(
  g: GameState,
  round: number,
  options: RunOptions,
): Promise<PvgRound> {
  const s = g.settings;
  throwIfAborted(options.signal);
  const pairs = buildPairs(g.task, g.mixture, g.correct, s.verifierSamplesPerProblem, g.rng);
  const verifier = await trainVerifier(g.task, pairs, g.allV.ref, {
    hidden: s.verifierHidden,
    lr: s.verifierLr,
    steps: s.verifierSteps,
    batchSize: s.verifierBatch,
    scorePenalty: s.scorePenalty,
    dtype: s.dtype,
  }, g.rng);
  const figures = () => gameMetrics(exactGameSamples(g.task, g.probs, verifier.scores, g.correct));
  const before = figures();
  const rewards = await proverPhase(g, verifier.scores, round, options);
  g.probs = {
    helpful: await g.helpful.probabilities(g.proverX.ref),
    sneaky: await g.sneaky.probabilities(g.proverX.ref),
  };
  g.mixture.push([g.probs.helpful, g.probs.sneaky]);
  return {
    round,
    ...figures(),
    verifier_pairs: pairs.count,
    verifier_loss: verifier.finalLoss,
    verifier_accuracy: verifierBalancedAccuracy(verifier.scores, g.correct),
    completeness_start: before.completeness,
    soundness_start: before.soundness,
    sneaky_success_start: before.sneaky_success,
    helpful_reward: rewards.helpful,
    sneaky_reward: rewards.sneaky,
    sneaky_fool_step: rewards.foolStep,
  };
}
