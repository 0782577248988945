/**
 * The jit-ed SGLD kernels for one chain. (Chains run one after another: vmapping them turns every
 * matmul into a batched matmul, which jax-js 0.1.25 runs about ten times slower on wasm.) The
 * local tempered posterior of anchors.md is
 *
 *   U(w) = n beta L_batch(w) + gamma/2 |w - w*|^2
 *   w'   = w - (eps/2) grad U(w) + sqrt(eps) xi,  xi ~ N(0, I)
 *
 * grad U is assembled leafwise from grad L (n beta grad L + gamma (w - w*)) rather than by
 * differentiating U: jax-js 0.1.25 computes wrong jit-ed float64 gradients through a scalar
 * factor applied after a reduction.
 *
 * `stepWithAcceptance` also returns the Metropolis (MALA) acceptance probability of the proposal,
 * min(1, exp(U(w) - U(w') + log q(w | w') - log q(w' | w))), for diagnosis only: the chain always
 * moves, as SGLD does.
 *
 * @module
 */
import { jit, numpy as np, type OwnedFunction, random, valueAndGrad } from "@jax-js/jax";
import type { Params } from "../params.ts";
import type { LossFn } from "../trainer.ts";

/** Constants of one sampler. */
export type SgldConstants = { eps: number; gamma: number; nbeta: number };

/**
 * One step: (w, center, x, y, key, idx?) -> [w', batch loss at w]. With `idx` (int32 [batch])
 * the minibatch is gathered inside the compiled step.
 */
export type SgldStep = (
  w: Params,
  c: Params,
  x: np.Array,
  y: np.Array,
  key: np.Array,
  idx?: np.Array,
) => [Params, np.Array];
/** One step plus the MALA acceptance probability (a scalar). */
export type SgldStepWithAcceptance = (
  w: Params,
  c: Params,
  x: np.Array,
  y: np.Array,
  key: np.Array,
  idx?: np.Array,
) => [Params, np.Array, np.Array];

function gather(x: np.Array, y: np.Array, idx: np.Array | undefined): [np.Array, np.Array] {
  return idx === undefined ? [x, y] : [np.take(x, idx.ref, 0), np.take(y, idx, 0)];
}

function refTree(t: Params): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(t)) out[k] = v.ref;
  return out;
}

function sumLeaves(tree: Params): np.Array {
  let total: np.Array | null = null;
  for (const leaf of Object.values(tree)) {
    total = total === null ? leaf.sum() : total.add(leaf.sum());
  }
  if (total === null) throw new Error("Cannot sample an empty parameter tree");
  return total;
}

/** U(w) and grad U(w) of one chain (consumes w, c, x, y). */
function potential(k: SgldConstants, loss: LossFn, w: Params, c: Params, x: np.Array, y: np.Array) {
  const [l, gl] = valueAndGrad(loss)(refTree(w), x, y);
  const grad: Params = {};
  const dist: Params = {};
  for (const [name, wi] of Object.entries(w)) {
    const diff = wi.sub(c[name]!); // w - w*
    dist[name] = np.square(diff.ref).mul(k.gamma / 2);
    grad[name] = gl[name]!.mul(k.nbeta).add(diff.mul(k.gamma));
  }
  const u = l.ref.mul(k.nbeta).add(sumLeaves(dist));
  return { u, l, grad };
}

function propose(k: SgldConstants, w: Params, grad: Params, key: np.Array) {
  const names = Object.keys(w);
  const keys = random.split(key, names.length); // [leaves, 2]
  const next: Params = {};
  const noise: Params = {};
  names.forEach((name, i) => {
    const wi = w[name]!;
    const xi = random.normal(keys.ref.slice(i), wi.shape).astype(wi.dtype);
    noise[name] = xi.ref;
    next[name] = wi.sub(grad[name]!.mul(k.eps / 2)).add(xi.mul(Math.sqrt(k.eps)));
  });
  keys.dispose();
  return { next, noise };
}

/** Build the plain step (one gradient per step). */
export function makeSgldStep(k: SgldConstants, loss: LossFn): OwnedFunction<SgldStep> {
  const step: SgldStep = (w, c, x0, y0, key, idx) => {
    const [x, y] = gather(x0, y0, idx);
    const { u, l, grad } = potential(k, loss, refTree(w), c, x, y);
    u.dispose();
    const { next, noise } = propose(k, w, grad, key);
    for (const v of Object.values(noise)) v.dispose();
    return [next, l];
  };
  return jit(step) as unknown as OwnedFunction<SgldStep>;
}

/** Build the step that also scores the proposal (two gradients per step). */
export function makeSgldStepWithAcceptance(
  k: SgldConstants,
  loss: LossFn,
): OwnedFunction<SgldStepWithAcceptance> {
  const step: SgldStepWithAcceptance = (w, c, x0, y0, key, idx) => {
    const [x, y] = gather(x0, y0, idx);
    const at = potential(k, loss, refTree(w), refTree(c), x.ref, y.ref);
    const { next, noise } = propose(k, refTree(w), at.grad, key);
    const to = potential(k, loss, refTree(next), c, x, y);
    to.l.dispose();
    // log q(w | w') = -|w - w' + (eps/2) grad U(w')|^2 / (2 eps); log q(w' | w) = -|xi|^2 / 2.
    const back: Params = {};
    for (const [name, wi] of Object.entries(w)) {
      const r = wi.sub(next[name]!.ref).add(to.grad[name]!.mul(k.eps / 2));
      back[name] = np.square(r).mul(1 / (2 * k.eps));
    }
    const sq: Params = {};
    for (const [name, xi] of Object.entries(noise)) sq[name] = np.square(xi).mul(0.5);
    const logAlpha = at.u.sub(to.u).sub(sumLeaves(back)).add(sumLeaves(sq));
    return [next, at.l, np.minimum(np.exp(logAlpha), 1)];
  };
  return jit(step) as unknown as OwnedFunction<SgldStepWithAcceptance>;
}
