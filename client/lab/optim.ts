/**
 * Optimisers as pure, jit-traceable updates over parameter trees: AdamW (decoupled weight decay,
 * as in PyTorch's `torch.optim.AdamW`) and SGD with optional momentum and L2 weight decay.
 *
 * @module
 */
import { numpy as np } from "@jax-js/jax";
import { z } from "zod";
import { mapParams, type Params, zerosLike, zipParams } from "./params.ts";

/** AdamW settings (defaults follow Nanda et al.'s grokking run). */
export const AdamWSettings = z.object({
  kind: z.literal("adamw"),
  lr: z.number().positive(),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.98),
  eps: z.number().positive().default(1e-8),
  weightDecay: z.number().nonnegative().default(0),
});

/** SGD settings. */
export const SgdSettings = z.object({
  kind: z.literal("sgd"),
  lr: z.number().positive(),
  momentum: z.number().min(0).max(1).default(0),
  weightDecay: z.number().nonnegative().default(0),
});

/** Either optimiser. */
export const OptimizerSettings = z.discriminatedUnion("kind", [AdamWSettings, SgdSettings]);
/** Either optimiser. */
export type OptimizerSettings = z.infer<typeof OptimizerSettings>;

/** Optimiser state: the step count (a float scalar) and first and second moments. */
export type OptState = { t: np.Array; m: Params; v: Params };

/** Fresh state for `params` (does not consume `params`). */
export function initOptState(settings: OptimizerSettings, params: Params): OptState {
  const first = Object.values(params)[0];
  const t = first === undefined ? np.zeros([]) : np.zeros([], { dtype: first.dtype });
  const m = zerosLike(params);
  // SGD keeps an empty second moment so both optimisers share one state shape.
  const v = settings.kind === "adamw" ? zerosLike(params) : {};
  return { t, m, v };
}

/**
 * One update; consumes all three inputs and returns the new parameters and state.
 * Traceable, so a train step can jit it together with the gradient.
 */
export function applyUpdate(
  settings: OptimizerSettings,
  params: Params,
  grads: Params,
  state: OptState,
): [Params, OptState] {
  const t = state.t.add(1);
  if (settings.kind === "sgd") {
    const { lr, momentum, weightDecay } = settings;
    const g = weightDecay > 0
      ? zipParams(grads, refAll(params), (gi, pi) => gi.add(pi.mul(weightDecay)))
      : grads;
    const m = zipParams(state.m, g, (mi, gi) => mi.mul(momentum).add(gi));
    const next = zipParams(params, refAll(m), (pi, mi) => pi.sub(mi.mul(lr)));
    return [next, { t, m, v: state.v }];
  }
  const { lr, beta1, beta2, eps, weightDecay } = settings;
  const m = zipParams(state.m, refAll(grads), (mi, gi) => mi.mul(beta1).add(gi.mul(1 - beta1)));
  const v = zipParams(state.v, grads, (vi, gi) => vi.mul(beta2).add(np.square(gi).mul(1 - beta2)));
  // Bias corrections 1 - beta^t, computed as 1 - exp(t log beta) so t stays an array.
  const c1 = np.exp(t.ref.mul(Math.log(beta1))).neg().add(1);
  const c2 = np.exp(t.ref.mul(Math.log(beta2))).neg().add(1);
  const mRef = refAll(m);
  const vRef = refAll(v);
  const next = mapParams(params, (pi, name) => {
    const mHat = mRef[name]!.div(c1.ref);
    const vHat = vRef[name]!.div(c2.ref);
    const step = mHat.div(np.sqrt(vHat).add(eps));
    const decayed = weightDecay > 0 ? pi.mul(1 - lr * weightDecay) : pi;
    return decayed.sub(step.mul(lr));
  });
  c1.dispose();
  c2.dispose();
  return [next, { t, m, v }];
}

function refAll(params: Params): Params {
  return mapParams({ ...params }, (p) => p.ref);
}
