/**
 * AdamW (decoupled weight decay, as `torch.optim.AdamW`) with global-norm gradient clipping
 * and a cosine learning-rate schedule with linear warmup. The update is traceable, so the
 * train step jits it together with the gradient; the learning rate enters as an array, so a
 * changing schedule does not recompile the step.
 *
 * @module
 */
import { numpy as np } from "@jax-js/jax";
import { z } from "zod";
import type { TrainParams } from "./model.ts";

/** Optimizer and schedule settings. */
export const AdamWConfig = z.object({
  /** Peak learning rate, reached after warmup. */
  lr: z.number().positive(),
  /** Learning rate at the end of the cosine decay. */
  minLr: z.number().nonnegative(),
  /** Steps of linear warmup from lr / warmup to lr. */
  warmupSteps: z.number().int().nonnegative(),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.95),
  eps: z.number().positive().default(1e-8),
  /** Decoupled weight decay, applied to matrices only (not to norm weights). */
  weightDecay: z.number().nonnegative().default(0.1),
  /** Largest global gradient norm; larger gradients are scaled down to it. */
  clipNorm: z.number().positive().default(1),
});
/** Optimizer and schedule settings. */
export type AdamWConfig = z.infer<typeof AdamWConfig>;

/** Optimizer state: moments per parameter and the step count (float scalar). */
export type AdamWState = {
  /** Steps taken. // [] */
  t: np.Array;
  /** First moments, same names and shapes as the parameters. */
  m: TrainParams;
  /** Second moments. */
  v: TrainParams;
};

/**
 * Learning rate of step `step` (0-based) out of `total`: linear warmup, then cosine decay
 * from `lr` to `minLr`.
 *
 * @example
 * ```ts
 * cosineLr({ lr: 1e-3, minLr: 1e-4, warmupSteps: 10 } as AdamWConfig, 0, 100); // 1e-4
 * ```
 */
export function cosineLr(config: AdamWConfig, step: number, total: number): number {
  if (step < config.warmupSteps) return (config.lr * (step + 1)) / config.warmupSteps;
  const span = Math.max(1, total - config.warmupSteps);
  const progress = Math.min(1, (step - config.warmupSteps) / span);
  return config.minLr + 0.5 * (config.lr - config.minLr) * (1 + Math.cos(Math.PI * progress));
}

/**
 * Zero moments shaped like `params` (does not consume them).
 *
 * @example
 * ```ts
 * const state = initAdamW(params);
 * ```
 */
export function initAdamW(params: TrainParams): AdamWState {
  const m: TrainParams = {};
  const v: TrainParams = {};
  for (const [name, p] of Object.entries(params)) {
    m[name] = np.zerosLike(p.ref);
    v[name] = np.zerosLike(p.ref);
  }
  return { t: np.zeros([]), m, v };
}

/**
 * One clipped AdamW update. Consumes params, grads, state and lr; returns the new params,
 * state and the global gradient norm before clipping.
 *
 * @example
 * ```ts
 * const [next, state2, norm] = adamwUpdate(config, params, grads, state, lrArray);
 * ```
 */
export function adamwUpdate(
  config: AdamWConfig,
  params: TrainParams,
  grads: TrainParams,
  state: AdamWState,
  lr: np.Array,
): [TrainParams, AdamWState, np.Array] {
  const { beta1, beta2, eps, weightDecay, clipNorm } = config;
  const names = Object.keys(params);
  let squares: np.Array | null = null;
  for (const name of names) {
    const s = np.square(grads[name]!.ref).sum();
    squares = squares === null ? s : squares.add(s);
  }
  const norm = np.sqrt(squares!); // []
  const scale = np.minimum(np.reciprocal(norm.ref.add(1e-6)).mul(clipNorm), 1); // []
  const t = state.t.add(1);
  // Bias corrections 1 - beta^t as arrays, so t stays on the device.
  const c1 = np.exp(t.ref.mul(Math.log(beta1))).neg().add(1);
  const c2 = np.exp(t.ref.mul(Math.log(beta2))).neg().add(1);
  const next: TrainParams = {};
  const m: TrainParams = {};
  const v: TrainParams = {};
  for (const name of names) {
    const g = grads[name]!.mul(scale.ref);
    const mi = state.m[name]!.mul(beta1).add(g.ref.mul(1 - beta1));
    const vi = state.v[name]!.mul(beta2).add(np.square(g).mul(1 - beta2));
    const step = mi.ref.div(c1.ref).div(np.sqrt(vi.ref.div(c2.ref)).add(eps));
    const p = params[name]!;
    const decayed = weightDecay > 0 && p.ndim >= 2 ? p.mul(lr.ref.mul(-weightDecay).add(1)) : p;
    next[name] = decayed.sub(step.mul(lr.ref));
    m[name] = mi;
    v[name] = vi;
  }
  scale.dispose();
  c1.dispose();
  c2.dispose();
  lr.dispose();
  return [next, { t, m, v }, norm];
}
