/**
 * The jit-compiled train step: loss and gradient of the Llama model on one batch, then the
 * clipped AdamW update, in one compiled function.
 *
 * @module
 */
import { jit, type numpy as np, type OwnedFunction, tree, valueAndGrad } from "@jax-js/jax";
import type { LlamaConfig } from "../llama_config.ts";
import { type AdamWConfig, type AdamWState, adamwUpdate } from "./adamw.ts";
import { type ForwardTables, llamaLoss, type TrainParams } from "./model.ts";

/** `(params, state, lr, inputs, targets, weights, tables) -> [params, state, loss, gradNorm]`; consumes all. */
export type TrainStepFn = (
  params: TrainParams,
  state: AdamWState,
  lr: np.Array,
  inputs: np.Array,
  targets: np.Array,
  weights: np.Array,
  tables: ForwardTables,
) => [TrainParams, AdamWState, np.Array, np.Array];

/**
 * Build the compiled step for a model and optimizer.
 *
 * @example
 * ```ts
 * const step = makeTrainStep(config.model, config.optimizer);
 * [params, state, loss, norm] = step(params, state, lr, inputs, targets, weights, tableRefs);
 * ```
 */
export function makeTrainStep(
  model: LlamaConfig,
  optimizer: AdamWConfig,
): OwnedFunction<TrainStepFn> {
  const step: TrainStepFn = (params, state, lr, inputs, targets, weights, tables) => {
    const loss = (p: TrainParams) => llamaLoss(model, p, inputs, targets, weights, tables);
    const [value, grads] = valueAndGrad(loss)(tree.ref(params));
    tree.dispose(tables);
    const [next, nextState, norm] = adamwUpdate(optimizer, params, grads, state, lr);
    return [next, nextState, value, norm];
  };
  return jit(step) as unknown as OwnedFunction<TrainStepFn>;
}
