/**
 * The jit-ed SGLD kernels, vectorised over chains with vmap. Parameters carry a leading chain
 * axis: every leaf is [chains, ...]. The local tempered posterior of anchors.md is
 *
 *   U(w) = n beta L_batch(w) + gamma/2 |w - w*|^2
 *   w'   = w - (eps/2) grad U(w) + sqrt(eps) xi,  xi ~ N(0, I)
 *
 * `stepWithAcceptance` also returns the Metropolis (MALA) acceptance probability of the proposal,
 * min(1, exp(U(w) - U(w') + log q(w | w') - log q(w' | w))), for diagnosis only: the chain always
 * moves, as SGLD does.
 *
 * @module
 */
import { jit, numpy as np, type OwnedFunction, random, valueAndGrad, vmap } from "@jax-js/jax";
import type { Params } from "../params.ts";
import type { LossFn } from "../trainer.ts";

/** Constants of one sampler. */
export type SgldConstants = { eps: number; gamma: number; nbeta: number };

/** One step: (w, center, x, y, key) -> [w', batch loss at w [chains]]. */
export type SgldStep = (w: Params, c: Params, x: np.Array, y: np.Array, key: np.Array) => [
  Params,
  np.Array,
];
/** One step plus the MALA acceptance probability [chains]. */
export type SgldStepWithAcceptance = (
  w: Params,
  c: Params,
  x: np.Array,
  y: np.Array,
  key: np.Array,
) => [Params, np.Array, np.Array];

function perChainSum(a: np.Array): np.Array {
  const chains = a.shape[0]!;
  return a.reshape([chains, -1]).sum(1); // [chains]
}

function sumLeaves(tree: Params): np.Array {
  let total: np.Array | null = null;
  for (const leaf of Object.values(tree)) {
    const s = perChainSum(leaf);
    total = total === null ? s : total.add(s);
  }
  if (total === null) throw new Error("Cannot sample an empty parameter tree");
  return total;
}

function energyFn(k: SgldConstants, loss: LossFn) {
  // One chain: [U, L]; vmap adds the chain axis to w only.
  return (w: Params, c: Params, x: np.Array, y: np.Array): [np.Array, np.Array] => {
    const l = loss(refTree(w), x, y);
    let dist: np.Array | null = null;
    for (const [name, wi] of Object.entries(w)) {
      const d = np.square(wi.ref.sub(c[name]!)).sum();
      dist = dist === null ? d : dist.add(d);
    }
    for (const wi of Object.values(w)) wi.dispose();
    return [l.ref.mul(k.nbeta).add(dist!.mul(k.gamma / 2)), l];
  };
}

function refTree(t: Params): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(t)) out[k] = v.ref;
  return out;
}

function propose(
  k: SgldConstants,
  w: Params,
  grad: Params,
  key: np.Array,
): { next: Params; noise: Params } {
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
  const vg = vmap(valueAndGrad(energyFn(k, loss), { hasAux: true }), [0, null, null, null]);
  const step: SgldStep = (w, c, x, y, key) => {
    const [[u, l], g] = vg(refTree(w), c, x, y);
    u.dispose();
    const { next, noise } = propose(k, w, g, key);
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
  const vg = vmap(valueAndGrad(energyFn(k, loss), { hasAux: true }), [0, null, null, null]);
  const step: SgldStepWithAcceptance = (w, c, x, y, key) => {
    const [[u0, l0], g0] = vg(refTree(w), refTree(c), x.ref, y.ref);
    const { next, noise } = propose(k, refTree(w), g0, key);
    const [[u1, l1], g1] = vg(refTree(next), c, x, y);
    l1.dispose();
    // log q(w | w') = -|w - w' + (eps/2) grad U(w')|^2 / (2 eps); log q(w' | w) = -|xi|^2 / 2.
    const back: Params = {};
    for (const [name, wi] of Object.entries(w)) {
      back[name] = np.square(wi.sub(next[name]!.ref).add(g1[name]!.mul(k.eps / 2)));
    }
    const sq: Params = {};
    for (const [name, xi] of Object.entries(noise)) sq[name] = np.square(xi);
    const logAlpha = u0.sub(u1).sub(sumLeaves(back).mul(1 / (2 * k.eps))).add(
      sumLeaves(sq).mul(0.5),
    );
    const accept = np.minimum(np.exp(logAlpha), 1); // [chains]
    return [next, l0, accept];
  };
  return jit(step) as unknown as OwnedFunction<SgldStepWithAcceptance>;
}
