/**
 * A training loop over a parameter tree: jit-ed value-and-grad plus optimiser update, full-batch
 * or seeded minibatches. The trainer owns its parameters and optimiser state and frees what it
 * replaces, so a run of any length keeps a constant number of live buffers.
 *
 * @module
 */
import { blockUntilReady, jit, numpy as np, type OwnedFunction, valueAndGrad } from "@jax-js/jax";
import type { z } from "zod";
import { LabSettingsError } from "./errors.ts";
import { applyUpdate, initOptState, OptimizerSettings, type OptState } from "./optim.ts";
import { disposeParams, type Params, refParams } from "./params.ts";
import { permutation, type Rng } from "./rng.ts";

/** A scalar loss of parameters on a batch (consumes everything; traceable). */
export type LossFn = (params: Params, x: np.Array, y: np.Array) => np.Array;

/** Training inputs and targets, rows first. */
export type TrainData = { x: np.Array; y: np.Array };

type StepFn = (
  p: Params,
  s: OptState,
  x: np.Array,
  y: np.Array,
  idx?: np.Array,
) => [Params, OptState, np.Array];

/**
 * Build the jit-ed step `(params, state, x, y, idx?) -> [params, state, loss]`. With `idx`
 * (int32 [batch]) the rows are gathered inside the compiled step: an eager gather per step costs
 * more than the step itself on wasm.
 */
export function makeTrainStep(loss: LossFn, optimizer: OptimizerSettings): OwnedFunction<StepFn> {
  const step: StepFn = (params, state, x, y, idx) => {
    const [bx, by] = idx === undefined ? [x, y] : [np.take(x, idx.ref, 0), np.take(y, idx, 0)];
    const [value, grads] = valueAndGrad(loss)(refParams(params), bx, by);
    const [next, nextState] = applyUpdate(optimizer, params, grads, state);
    return [next, nextState, value];
  };
  return jit(step) as unknown as OwnedFunction<StepFn>;
}

/** Options of a Trainer. */
export type TrainerOptions = {
  loss: LossFn;
  /** Optimiser settings (validated; defaults filled in). */
  optimizer: z.input<typeof OptimizerSettings>;
  /** Initial parameters; the trainer takes ownership. */
  params: Params;
  /** Training set; the trainer takes ownership. */
  data: TrainData;
  /** Rows per step; omitted or >= rows means full batch. */
  batchSize?: number | undefined;
  /** Source of minibatch order. */
  rng: Rng;
};

/** Stateful loop around the jit-ed step. */
export class Trainer {
  #step: OwnedFunction<StepFn>;
  #params: Params;
  #state: OptState;
  #data: TrainData;
  #rows: number;
  #batch: number;
  #rng: Rng;
  #order: Int32Array = new Int32Array(0);
  #cursor = 0;
  /** Steps taken so far. */
  steps = 0;

  /** Takes ownership of `params` and `data`. */
  constructor(options: TrainerOptions) {
    const parsed = OptimizerSettings.safeParse(options.optimizer);
    if (!parsed.success) {
      throw new LabSettingsError(`Cannot train: ${parsed.error.message}`);
    }
    this.#step = makeTrainStep(options.loss, parsed.data);
    this.#params = options.params;
    this.#state = initOptState(parsed.data, options.params);
    this.#data = options.data;
    this.#rows = options.data.x.shape[0]!;
    this.#batch = Math.min(options.batchSize ?? this.#rows, this.#rows);
    this.#rng = options.rng;
  }

  /** Whether every step sees the whole training set. */
  get fullBatch(): boolean {
    return this.#batch === this.#rows;
  }

  /** A new reference to every current parameter (the caller owns it). */
  params(): Params {
    return refParams(this.#params);
  }

  /**
   * Wait until every queued step has run. Call it (or read a loss) every few dozen steps:
   * jax-js 0.1.25 slows down quadratically when many steps are queued with nothing read back
   * (measured: 14 ms/step for the first 200 unread steps, 284 ms/step by step 600).
   */
  async settle(): Promise<void> {
    const params = this.params();
    await blockUntilReady(params);
    disposeParams(params);
  }

  /** Take one optimiser step; returns the batch loss (the caller owns it). */
  step(): np.Array {
    const { x, y } = this.#data;
    const [params, state, loss] = this.fullBatch
      ? this.#step(this.#params, this.#state, x.ref, y.ref)
      : this.#step(this.#params, this.#state, x.ref, y.ref, this.#nextBatch());
    this.#params = params;
    this.#state = state;
    this.steps++;
    return loss;
  }

  /** Row indices of the next minibatch: a fresh seeded permutation each epoch. */
  #nextBatch(): np.Array {
    if (this.#cursor + this.#batch > this.#order.length) {
      this.#order = permutation(this.#rng, this.#rows);
      this.#cursor = 0;
    }
    const idx = this.#order.slice(this.#cursor, this.#cursor + this.#batch);
    this.#cursor += this.#batch;
    return np.array(idx, { dtype: np.int32 }); // [batch]
  }

  /** Free parameters, optimiser state, data and the compiled step. */
  dispose(): void {
    disposeParams(this.#params);
    disposeParams(this.#state.m);
    disposeParams(this.#state.v);
    this.#state.t.dispose();
    this.#data.x.dispose();
    this.#data.y.dispose();
    this.#step.dispose();
  }
}
