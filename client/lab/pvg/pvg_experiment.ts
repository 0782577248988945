/**
 * The prover-verifier game (Kirchner et al. 2024) at tiny scale on jax-js. A base prover is fitted
 * to a fixed mix of correct, misread and slipped solutions; the helpful and sneaky provers start
 * from it and continue across rounds. Each round (pvg_round.ts) retrains a verifier from scratch
 * with the Bradley-Terry loss on pairs drawn from the base and all earlier provers, then trains
 * both provers against it by REINFORCE on the SRC reward, and records exact (not sampled)
 * completeness, soundness and accuracies.
 *
 * @module
 */
import { defaultDevice, type numpy as np } from "@jax-js/jax";
import { fromHost } from "../device.ts";
import { LabSettingsError } from "../errors.ts";
import { report, type RunOptions, yieldToEventLoop } from "../experiment.ts";
import { createRng, type Rng } from "../rng.ts";
import { policyAccuracy } from "./metrics.ts";
import { Policy, type PolicyOptions } from "./prover.ts";
import { type GameState, playRound, type PvgRound } from "./pvg_round.ts";
import { PvgSettings, type PvgSettingsInput } from "./pvg_settings.ts";
import {
  allVerifierFeatures,
  baseTargets,
  correctnessTable,
  makePvgTask,
  proverFeatures,
  type PvgTask,
} from "./pvg_task.ts";
import { verifierParamCount } from "./verifier.ts";

export type { PvgRound } from "./pvg_round.ts";

/** Result of a game (JSON-serialisable). */
export type PvgResult = {
  experiment: "pvg";
  rounds: PvgRound[];
  /** The rounds column by column, for plotting. */
  series: { [K in keyof PvgRound]: PvgRound[K][] };
  /** Mean probability of a correct solution under the base prover. */
  base_accuracy: number;
  problems: number;
  solutions: number;
  prover_params: number;
  verifier_params: number;
  wall_seconds: number;
  device: string;
  settings: PvgSettings;
};

/** Parse settings, throwing LabSettingsError in the house style. */
export function parsePvgSettings(input: PvgSettingsInput): PvgSettings {
  const parsed = PvgSettings.safeParse(input);
  if (!parsed.success) throw new LabSettingsError(`Cannot run pvg: ${parsed.error.message}`);
  return parsed.data;
}

function columns(rows: PvgRound[]): PvgResult["series"] {
  const keys = Object.keys(rows[0] ?? {}) as (keyof PvgRound)[];
  return Object.fromEntries(keys.map((k) => [k, rows.map((r) => r[k])])) as PvgResult["series"];
}

/** The numeric fields of a round (a progress point carries numbers only). */
function numericFields(row: PvgRound): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(row)) if (typeof v === "number") out[k] = v;
  return out;
}

/** Fit the base prover to its target mix by full-batch cross-entropy (the caller owns it). */
async function fitBaseProver(
  task: PvgTask,
  s: PvgSettings,
  proverX: np.Array,
  options: PolicyOptions,
  rng: Rng,
): Promise<Policy> {
  const base = Policy.create(task, { ...options, lr: 1e-2, entropyBonus: 0 }, rng);
  const targets = baseTargets(task, s.baseAccuracy).map((v) => v / task.problems);
  for (let i = 0; i < s.baseSteps; i++) {
    const w = fromHost(targets, [task.problems, task.solutionsPadded], s.dtype);
    base.step(proverX.ref, w).dispose();
    if (i % 25 === 24) await base.settle(); // see Trainer.settle
  }
  return base;
}

/**
 * Play the game. Progress reports carry series "prover_training" (one point per prover step:
 * step, helpful_reward, sneaky_reward, helpful_batch_accuracy, sneaky_batch_accuracy,
 * sneaky_batch_fooled) and series
 * "rounds" (the numeric fields of each PvgRound, with `round` as its x value).
 *
 * @example
 * ```ts
 * const r = await runPvg({ rounds: 4, seed: 1 });
 * r.rounds.map((x) => [x.completeness, x.soundness]);
 * ```
 */
export async function runPvg(
  input: PvgSettingsInput = {},
  options: RunOptions = {},
): Promise<PvgResult> {
  const s = parsePvgSettings(input);
  const start = performance.now();
  const task = makePvgTask(s.p);
  const rng = createRng(s.seed);
  const correct = correctnessTable(task);
  const proverX = fromHost(proverFeatures(task), [task.problems, task.proverDim], s.dtype);
  const allV = fromHost(allVerifierFeatures(task), [
    task.problems * task.solutions,
    task.verifierDim,
  ], s.dtype); // [problems * solutions, verifierDim]
  const policy: PolicyOptions = {
    hidden: s.proverHidden,
    lr: s.proverLr,
    entropyBonus: s.entropyBonus,
    dtype: s.dtype,
  };
  const owned: Policy[] = [];
  try {
    const base = await fitBaseProver(task, s, proverX, policy, rng);
    owned.push(base);
    const baseProbs = await base.probabilities(proverX.ref);
    const g: GameState = {
      task,
      settings: s,
      correct,
      proverX,
      allV,
      helpful: base.fork(task, policy),
      sneaky: base.fork(task, policy),
      mixture: [[baseProbs]],
      probs: { helpful: baseProbs, sneaky: baseProbs },
      rng,
    };
    owned.push(g.helpful, g.sneaky);
    const rounds: PvgRound[] = [];
    for (let round = 0; round < s.rounds; round++) {
      const row = await playRound(g, round, options);
      rounds.push(row);
      report(options, {
        fraction: (round + 1) / s.rounds,
        message: `round ${round + 1} / ${s.rounds}: completeness ${
          row.completeness.toFixed(3)
        }, soundness ${row.soundness.toFixed(3)}, helpful accuracy ${
          row.helpful_accuracy.toFixed(3)
        }`,
        series: "rounds",
        point: numericFields(row),
      });
      await yieldToEventLoop();
    }
    return {
      experiment: "pvg",
      rounds,
      series: columns(rounds),
      base_accuracy: policyAccuracy(task, baseProbs, correct),
      problems: task.problems,
      solutions: task.solutions,
      prover_params: base.paramCount,
      verifier_params: verifierParamCount(task, s.verifierHidden),
      wall_seconds: (performance.now() - start) / 1000,
      device: defaultDevice(),
      settings: s,
    };
  } finally {
    for (const p of owned) p.dispose();
    proverX.dispose();
    allV.dispose();
  }
}
