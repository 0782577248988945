/**
 * Settings of the prover-verifier game experiment (zod-validated; every field has a default).
 *
 * @module
 */
import { z } from "zod";
import { LabDtype } from "../device.ts";

/** Every setting of the prover-verifier game. */
export const PvgSettings = z.object({
  /** Modulus of the arithmetic task: p^3 problems, p^2 solutions each. */
  p: z.number().int().min(3).max(11).default(5),
  rounds: z.number().int().min(1).max(50).default(8),
  seed: z.number().int().default(0),
  dtype: LabDtype.default("float32"),
  /** Probability mass the base prover puts on the correct solution. */
  baseAccuracy: z.number().gt(0).lt(1).default(0.3),
  /** Supervised steps fitting the base prover to its target distribution. */
  baseSteps: z.number().int().positive().default(150),
  proverHidden: z.number().int().positive().default(64),
  proverLr: z.number().positive().default(3e-3),
  /** REINFORCE steps per prover per round. */
  proverSteps: z.number().int().positive().default(100),
  problemsPerStep: z.number().int().positive().default(32),
  /** Solutions sampled per problem per step (the SRC batch and the RLOO group). */
  samplesPerProblem: z.number().int().min(2).default(4),
  entropyBonus: z.number().nonnegative().default(0.01),
  verifierHidden: z.number().int().positive().default(32),
  verifierLr: z.number().positive().default(1e-2),
  /** Verifier steps per round (constant over rounds, from scratch each round). */
  verifierSteps: z.number().int().positive().default(300),
  verifierBatch: z.number().int().positive().default(128),
  /** Solutions drawn from the mixture per problem before correct/incorrect pairing. */
  verifierSamplesPerProblem: z.number().int().min(2).default(8),
  /** Weight of mean(V^2) in the verifier loss (keeps 0 a meaningful acceptance threshold). */
  scorePenalty: z.number().nonnegative().default(0.01),
});
/** Every setting of the prover-verifier game. */
export type PvgSettings = z.infer<typeof PvgSettings>;
/** Settings as accepted before defaults are filled in. */
export type PvgSettingsInput = z.input<typeof PvgSettings>;
