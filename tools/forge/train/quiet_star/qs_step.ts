/**
 * The compiled functions of the Quiet-STaR trainer: the next-token logits of thought rows at
 * one selected position each (sampling runs on the host from these, outside the gradient),
 * and the train step (objective, gradient, two clipped AdamW updates: the base model at `lr`
 * and the mixing head at its own rate).
 *
 * @module
 */
import { jit, numpy as np, type OwnedFunction, tree, valueAndGrad } from "@jax-js/jax";
import type { LlamaConfig } from "../../llama_config.ts";
import { type AdamWConfig, type AdamWState, adamwUpdate } from "../adamw.ts";
import { type ForwardTables, llamaHidden, type TrainParams } from "../model.ts";
import { type QsDeviceBatch, type QsShape, quietStarLoss, splitParams } from "./objective.ts";

/** `(base, tokens [R, S], select [R, 1, S], tables) -> logits [R, V]`; consumes all. */
export type NextLogitsFn = (
  base: TrainParams,
  tokens: np.Array,
  select: np.Array,
  tables: ForwardTables,
) => np.Array;

/** Build the compiled thought-logits function. */
export function makeNextLogits(config: LlamaConfig): OwnedFunction<NextLogitsFn> {
  const fn: NextLogitsFn = (base, tokens, select, tables) => {
    const [r, s] = tokens.shape as [number, number];
    const { hidden, head } = llamaHidden(config, base, tokens, tables);
    tree.dispose(tables);
    const at = np.matmul(select, hidden.reshape([r, s, -1])).reshape([r, -1]); // [R, H]
    return np.matmul(at, head); // [R, V]
  };
  return jit(fn) as unknown as OwnedFunction<NextLogitsFn>;
}

/** Optimizer state of both parameter groups. */
export type QsOptState = {
  base: AdamWState;
  head: AdamWState;
};

/**
 * `(params, state, lr, headLr, batch, baseTables, thoughtTables) ->
 * [params, state, loss, stats [5], gradNorm]`; consumes all.
 */
export type QsStepFn = (
  params: TrainParams,
  state: QsOptState,
  lr: np.Array,
  headLr: np.Array,
  batch: QsDeviceBatch,
  baseTables: ForwardTables,
  thoughtTables: ForwardTables,
) => [TrainParams, QsOptState, np.Array, np.Array, np.Array];

/** Build the compiled Quiet-STaR train step. */
export function makeQsStep(
  config: LlamaConfig,
  shape: QsShape,
  optimizer: AdamWConfig,
): OwnedFunction<QsStepFn> {
  const step: QsStepFn = (params, state, lr, headLr, batch, baseTables, thoughtTables) => {
    const objective = (p: TrainParams): [np.Array, np.Array[]] =>
      quietStarLoss(config, shape, p, batch, baseTables, thoughtTables);
    const [[loss, aux], grads] = valueAndGrad(objective, { hasAux: true })(tree.ref(params));
    tree.dispose(baseTables);
    tree.dispose(thoughtTables);
    const p = splitParams(params);
    const g = splitParams(grads as TrainParams);
    const [nextBase, baseState, norm] = adamwUpdate(optimizer, p.base, g.base, state.base, lr);
    const [nextHead, headState, headNorm] = adamwUpdate(
      optimizer,
      p.head,
      g.head,
      state.head,
      headLr,
    );
    headNorm.dispose();
    const stats = np.stack(aux.map((a) => a.reshape([]))); // [5]
    return [{ ...nextBase, ...nextHead }, { base: baseState, head: headState }, loss, stats, norm];
  };
  return jit(step) as unknown as OwnedFunction<QsStepFn>;
}
