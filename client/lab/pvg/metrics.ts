/**
 * Checkability metrics of one verifier against the two provers, from weighted samples: a sample
 * is one (problem, solution) of one role with its probability mass (1 for a drawn sample, or
 * pi(z | x) / problems for the exact expectation over a policy).
 *
 * - completeness: helpful-correct mass the verifier accepts / helpful-correct mass
 * - soundness: sneaky-incorrect mass the verifier rejects / sneaky-incorrect mass
 * - sneaky success: sneaky-incorrect mass the verifier accepts / all sneaky mass
 *
 * A solution is accepted when its score exceeds the threshold (0: the Bradley-Terry verifier is
 * centred by its score penalty, see bradley_terry.ts).
 *
 * @module
 */
import { type Flaw, flawOf, type PvgTask } from "./pvg_task.ts";
import type { Role } from "./src_reward.ts";

/** One weighted sample. */
export type GameSample = {
  role: Role;
  correct: boolean;
  score: number;
  weight: number;
  /** How an incorrect solution went wrong (optional; counted for the sneaky prover). */
  flaw?: Flaw;
};

/** Per-round checkability figures (NaN where a denominator is empty). */
export type GameMetrics = {
  completeness: number;
  soundness: number;
  helpful_accuracy: number;
  sneaky_accuracy: number;
  sneaky_success: number;
  /** Fraction of the sneaky prover's incorrect mass that is a misread first step. */
  sneaky_misread: number;
  /** Fraction of the sneaky prover's incorrect mass that is a last-step slip. */
  sneaky_slip: number;
};

/** Compute the metrics of `samples` with acceptance `score > threshold`. */
export function gameMetrics(samples: Iterable<GameSample>, threshold = 0): GameMetrics {
  const m = {
    helpful: 0,
    helpfulCorrect: 0,
    helpfulCorrectAccepted: 0,
    sneaky: 0,
    sneakyCorrect: 0,
    sneakyWrong: 0,
    sneakyWrongRejected: 0,
    misread: 0,
    slip: 0,
  };
  for (const s of samples) {
    const accepted = s.score > threshold;
    if (s.role === "helpful") {
      m.helpful += s.weight;
      if (s.correct) {
        m.helpfulCorrect += s.weight;
        if (accepted) m.helpfulCorrectAccepted += s.weight;
      }
      continue;
    }
    m.sneaky += s.weight;
    if (s.correct) {
      m.sneakyCorrect += s.weight;
      continue;
    }
    m.sneakyWrong += s.weight;
    if (!accepted) m.sneakyWrongRejected += s.weight;
    if (s.flaw === "misread") m.misread += s.weight;
    if (s.flaw === "slip") m.slip += s.weight;
  }
  return {
    completeness: m.helpfulCorrectAccepted / m.helpfulCorrect,
    soundness: m.sneakyWrongRejected / m.sneakyWrong,
    helpful_accuracy: m.helpfulCorrect / m.helpful,
    sneaky_accuracy: m.sneakyCorrect / m.sneaky,
    sneaky_success: (m.sneakyWrong - m.sneakyWrongRejected) / m.sneaky,
    sneaky_misread: m.misread / m.sneakyWrong,
    sneaky_slip: m.slip / m.sneakyWrong,
  };
}

/**
 * Every (problem, solution, role) with its exact mass pi(z | x) / problems under each policy:
 * the expectation gameMetrics takes over these is exact, free of sampling noise.
 * `probs` are [problems, solutionsPadded]; `scores` and `correct` [problems * solutions].
 */
export function* exactGameSamples(
  task: PvgTask,
  probs: { helpful: Float64Array; sneaky: Float64Array },
  scores: Float64Array,
  correct: Uint8Array,
): Generator<GameSample> {
  for (const role of ["helpful", "sneaky"] as const) {
    const dist = probs[role];
    for (let x = 0; x < task.problems; x++) {
      for (let z = 0; z < task.solutions; z++) {
        const weight = dist[x * task.solutionsPadded + z]! / task.problems;
        if (weight === 0) continue;
        const i = x * task.solutions + z;
        yield {
          role,
          correct: correct[i] === 1,
          score: scores[i]!,
          weight,
          flaw: flawOf(task, x, z),
        };
      }
    }
  }
}

/**
 * Balanced accuracy of the verifier over every (problem, solution) pair, whoever wrote it:
 * (accepted correct / correct + rejected incorrect / incorrect) / 2.
 */
export function verifierBalancedAccuracy(
  scores: Float64Array,
  correct: Uint8Array,
  threshold = 0,
): number {
  let pos = 0;
  let tp = 0;
  let neg = 0;
  let tn = 0;
  for (let i = 0; i < scores.length; i++) {
    if (correct[i] === 1) {
      pos++;
      if (scores[i]! > threshold) tp++;
    } else {
      neg++;
      if (scores[i]! <= threshold) tn++;
    }
  }
  return (tp / pos + tn / neg) / 2;
}

/** Mean probability of a correct solution under `probs` [problems, solutionsPadded]. */
export function policyAccuracy(task: PvgTask, probs: Float64Array, correct: Uint8Array): number {
  let total = 0;
  for (let x = 0; x < task.problems; x++) {
    for (let z = 0; z < task.solutions; z++) {
      if (correct[x * task.solutions + z] === 1) total += probs[x * task.solutionsPadded + z]!;
    }
  }
  return total / task.problems;
}
