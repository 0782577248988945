/**
 * A prover: an MLP policy from a one-hot problem to a categorical distribution over the p^2
 * solutions (padding columns masked out). One jit-ed step serves both supervised imitation and
 * REINFORCE, because both are a weighted log-likelihood: loss = -sum(W * log pi) - beta * mean H,
 * with W [problems, solutionsPadded] either soft targets / problems or advantage-weighted sample
 * counts / samples. The policy owns its parameters, optimiser state and compiled functions.
 *
 * @module
 */
import { blockUntilReady, jit, nn, numpy as np, type OwnedFunction } from "@jax-js/jax";
import { jaxDtype, type LabDtype, toHost } from "../device.ts";
import { type ClassMasks, classMasks } from "../losses.ts";
import { initMlp, mlpApply, MlpConfig } from "../mlp.ts";
import { initOptState, OptimizerSettings, type OptState } from "../optim.ts";
import { disposeParams, paramCount, type Params, refParams } from "../params.ts";
import type { Rng } from "../rng.ts";
import { makeTrainStep } from "../trainer.ts";
import type { PvgTask } from "./pvg_task.ts";

/** How a prover policy is built and trained. */
export type PolicyOptions = {
  hidden: number;
  lr: number;
  /** beta: weight of the mean policy entropy bonus (keeps exploration alive). */
  entropyBonus: number;
  dtype: LabDtype;
};

type StepFn = ReturnType<typeof makeTrainStep>;
type ProbsFn = OwnedFunction<(p: Params, x: np.Array) => np.Array>;

/** Log-probabilities [rows, solutionsPadded] of a policy (consumes params and x; traceable). */
function logPolicy(config: MlpConfig, masks: ClassMasks, params: Params, x: np.Array): np.Array {
  return nn.logSoftmax(mlpApply(config, params, x).add(masks.additive.ref));
}

/** A prover policy over the solutions of `task`. */
export class Policy {
  #config: MlpConfig;
  #masks: ClassMasks;
  #optimizer: OptimizerSettings;
  #step: StepFn;
  #probs: ProbsFn;
  #params: Params;
  #state: OptState;
  /** Steps taken. */
  steps = 0;

  /** A policy with fresh parameters drawn from `rng`. */
  static create(task: PvgTask, options: PolicyOptions, rng: Rng): Policy {
    const config = MlpConfig.parse({
      sizes: [task.proverDim, options.hidden, task.solutionsPadded],
      activation: "relu",
    });
    return new Policy(task, options, config, initMlp(config, rng, options.dtype));
  }

  private constructor(task: PvgTask, options: PolicyOptions, config: MlpConfig, params: Params) {
    this.#config = config;
    this.#masks = classMasks(task.solutions, task.solutionsPadded, jaxDtype(options.dtype));
    this.#optimizer = OptimizerSettings.parse({ kind: "adamw", lr: options.lr });
    const masks = this.#masks;
    const beta = options.entropyBonus;
    this.#step = makeTrainStep((p, x, w) => {
      const logp = logPolicy(config, masks, p, x); // [rows, solutionsPadded]
      const rows = logp.shape[0]!;
      const likelihood = w.mul(logp.ref).sum().neg();
      if (beta === 0) {
        logp.dispose();
        return likelihood;
      }
      const entropy = np.exp(logp.ref).mul(logp).sum().neg().div(rows); // mean over rows
      return likelihood.sub(entropy.mul(beta));
    }, this.#optimizer);
    this.#probs = jit((p: Params, x: np.Array) =>
      np.exp(logPolicy(config, masks, p, x))
    ) as unknown as ProbsFn;
    this.#params = params;
    this.#state = initOptState(this.#optimizer, params);
  }

  /** A new policy starting from this one's parameters, with fresh optimiser state. */
  fork(task: PvgTask, options: PolicyOptions): Policy {
    return new Policy(task, options, this.#config, refParams(this.#params));
  }

  /** Number of scalar parameters. */
  get paramCount(): number {
    return paramCount(this.#params);
  }

  /** pi(z | x) on the host: [rows, solutionsPadded] row-major. Consumes `x` [rows, proverDim]. */
  async probabilities(x: np.Array): Promise<Float64Array> {
    return await toHost(this.#probs(refParams(this.#params), x));
  }

  /**
   * One AdamW step on loss = -sum(W * log pi) - beta * mean entropy. Consumes `x`
   * [rows, proverDim] and `w` [rows, solutionsPadded]; returns the loss (caller owns it).
   */
  step(x: np.Array, w: np.Array): np.Array {
    const [params, state, loss] = this.#step(this.#params, this.#state, x, w);
    this.#params = params;
    this.#state = state;
    this.steps++;
    return loss;
  }

  /** Wait for every queued step (see Trainer.settle). */
  async settle(): Promise<void> {
    const p = refParams(this.#params);
    await blockUntilReady(p);
    disposeParams(p);
  }

  /** Free parameters, optimiser state, masks and compiled functions. */
  dispose(): void {
    disposeParams(this.#params);
    disposeParams(this.#state.m);
    disposeParams(this.#state.v);
    this.#state.t.dispose();
    this.#masks.additive.dispose();
    this.#masks.keep.dispose();
    this.#step.dispose();
    this.#probs.dispose();
  }
}
