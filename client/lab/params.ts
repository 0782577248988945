/**
 * Parameter trees: a flat record of named jax-js arrays, the JsTree every model, optimiser and
 * sampler in the lab passes around. Helpers here follow jax-js ownership: a function that takes
 * a tree consumes it unless it says otherwise.
 *
 * @module
 */
import { numpy as np, tree } from "@jax-js/jax";
import { fromHost, type LabDtype } from "./device.ts";
import { normals, type Rng } from "./rng.ts";

/** Named parameter arrays of one model. */
export type Params = { [name: string]: np.Array };

/** A normal(0, std^2) array drawn from the host generator. */
export function initNormal(rng: Rng, shape: number[], std: number, dtype: LabDtype): np.Array {
  const size = shape.reduce((a, b) => a * b, 1);
  return fromHost(normals(rng, size, std), shape, dtype);
}

/** Zeros shaped like every leaf of `params` (does not consume `params`). */
export function zerosLike(params: Params): Params {
  const out: Params = {};
  for (const [name, p] of Object.entries(params)) out[name] = np.zerosLike(p.ref);
  return out;
}

/** Take one more reference to every leaf (a tree used twice needs this once). */
export function refParams<T extends Params>(params: T): T {
  return tree.ref(params);
}

/** Dispose every leaf. */
export function disposeParams(params: Params | null | undefined): void {
  tree.dispose(params);
}

/** Sum of squares of every leaf, a scalar (consumes `params`; traceable inside jit). */
export function squaredNorm(params: Params): np.Array {
  let total: np.Array | null = null;
  for (const p of Object.values(params)) {
    const s = np.square(p).sum();
    total = total === null ? s : total.add(s);
  }
  if (total === null) throw new Error("Cannot take the norm of an empty parameter tree");
  return total;
}

/** Number of scalar parameters. */
export function paramCount(params: Params): number {
  return Object.values(params).reduce((n, p) => n + p.size, 0);
}

/** Apply `f` leafwise to two trees with the same keys (consumes both). */
export function zipParams(a: Params, b: Params, f: (x: np.Array, y: np.Array) => np.Array): Params {
  const out: Params = {};
  for (const name of Object.keys(a)) {
    const y = b[name];
    const x = a[name];
    if (x === undefined || y === undefined) throw new Error(`Parameter trees differ at '${name}'`);
    out[name] = f(x, y);
  }
  return out;
}

/** Apply `f` leafwise to one tree (consumes it). */
export function mapParams(a: Params, f: (x: np.Array, name: string) => np.Array): Params {
  const out: Params = {};
  for (const [name, x] of Object.entries(a)) out[name] = f(x, name);
  return out;
}
