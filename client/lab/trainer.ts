/**
 * A training loop over a parameter tree: jit-ed value-and-grad plus optimiser update, full-batch
 * or seeded minibatches. The trainer owns its parameters and optimiser state and frees what it
 * replaces, so a run of any length keeps a constant number of live buffers.
 *
 * @module
 */
import { jit, numpy as np, type OwnedFunction, valueAndGrad } from "@jax-js/jax";
import { applyUpdate, initOptState, type OptimizerSettings, type OptState } from "./optim.ts";
import { disposeParams, type Params, refParams } from "./params.ts";
import { permutation, type Rng } from "./rng.ts";

/** A scalar loss of parameters on a batch (consumes everything; traceable). */
export type LossFn = (params: Params, x: np.Array, y: np.Array) => np.Array;

/** Training inputs and targets, rows first. */
export type TrainData = { x: np.Array; y: np.Array };

type StepFn = (p: Params, s: OptState, x: np.Array, y: np.Array) => [Params, OptState, np.Array];

/** Build the jit-ed step `(params, state, x, y) -> [params, state, loss]`. */
export function makeTrainStep(loss: LossFn, optimizer: OptimizerSettings): OwnedFunction<StepFn> {
  const step: StepFn = (params, state, x, y) => {
    const [value, grads] = valueAndGrad(loss)(refParams(params), x, y);
    const [next, nextState] = applyUpdate(optimizer, params, grads, state);
    return [next, nextState, value];
  };
  return jit(step) as unknown as OwnedFunction<StepFn>;
}

/** Options of a Trainer. */
export type TrainerOptions = {
  loss: LossFn;
  optimizer: OptimizerSettings;
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
    this.#step = makeTrainStep(options.loss, options.optimizer);
    this.#params = options.params;
    this.#state = initOptState(options.optimizer, options.params);
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

  /** Take one optimiser step; returns the batch loss (the caller owns it). */
  step(): np.Array {
    const [x, y] = this.#nextBatch();
    const [params, state, loss] = this.#step(this.#params, this.#state, x, y);
    this.#params = params;
    this.#state = state;
    this.steps++;
    return loss;
  }

  #nextBatch(): [np.Array, np.Array] {
    if (this.fullBatch) return [this.#data.x.ref, this.#data.y.ref];
    if (this.#cursor + this.#batch > this.#order.length) {
      this.#order = permutation(this.#rng, this.#rows);
      this.#cursor = 0;
    }
    const idx = this.#order.slice(this.#cursor, this.#cursor + this.#batch);
    this.#cursor += this.#batch;
    const take = (a: np.Array) => np.take(a.ref, np.array(idx, { dtype: np.int32 }), 0);
    return [take(this.#data.x), take(this.#data.y)];
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
