/**
 * The jit-compiled train steps: loss and gradient on one batch, then the clipped AdamW
 * update, in one compiled function. Three kinds: the whole model on cross-entropy, the
 * whole model distilled toward a frozen teacher, and LoRA factors over a frozen base.
 *
 * @module
 */
import { jit, type numpy as np, type OwnedFunction, tree, valueAndGrad } from "@jax-js/jax";
import type { LlamaConfig } from "../llama_config.ts";
import { type AdamWConfig, type AdamWState, adamwUpdate } from "./adamw.ts";
import { type DeviceBatch, distillLoss, llamaLoss } from "./loss.ts";
import type { ForwardTables, LoraTrainParams, TrainParams } from "./model.ts";

/**
 * `(params, state, lr, batch, tables, frozen, frozenTables) -> [params, state, loss, gradNorm]`;
 * consumes all. `frozen` is the teacher (distillation), the base model (LoRA) or `{}`;
 * `frozenTables` are the teacher's RoPE tables (only distillation reads them).
 */
export type TrainStepFn = (
  params: TrainParams,
  state: AdamWState,
  lr: np.Array,
  batch: DeviceBatch,
  tables: ForwardTables,
  frozen: TrainParams,
  frozenTables: ForwardTables,
) => [TrainParams, AdamWState, np.Array, np.Array];

/** What a step optimizes. */
export type StepKind =
  | { readonly kind: "full" }
  | { readonly kind: "distill"; readonly teacher: LlamaConfig; readonly kl: number }
  | { readonly kind: "lora"; readonly scaling: number };

/**
 * Build the compiled step for a model, optimizer and kind.
 *
 * @example
 * ```ts
 * const step = makeTrainStep(config.model, config.optimizer, true, { kind: "full" });
 * [params, state, loss, norm] = step(params, state, lr, batch, tableRefs, {}, tableRefs2);
 * ```
 */
export function makeTrainStep(
  model: LlamaConfig,
  optimizer: AdamWConfig,
  gathered: boolean,
  kind: StepKind = { kind: "full" },
): OwnedFunction<TrainStepFn> {
  const step: TrainStepFn = (params, state, lr, batch, tables, frozen, frozenTables) => {
    const loss = (p: TrainParams): np.Array => {
      if (kind.kind === "full") return llamaLoss(model, p, batch, tables, gathered);
      if (kind.kind === "distill") {
        const t = frozenTables;
        return distillLoss(model, p, kind.teacher, frozen, batch, tables, t, gathered, kind.kl);
      }
      const lora = { scaling: kind.scaling, params: p as LoraTrainParams };
      return llamaLoss(model, frozen, batch, tables, gathered, lora);
    };
    const [value, grads] = valueAndGrad(loss)(tree.ref(params));
    tree.dispose(tables);
    tree.dispose(frozenTables);
    const [next, nextState, norm] = adamwUpdate(optimizer, params, grads, state, lr);
    return [next, nextState, value, norm];
  };
  return jit(step) as unknown as OwnedFunction<TrainStepFn>;
}
