/**
 * Empirical NTK of a finite network: Theta_hat(x, x') = J(x) J(x')^T with J the Jacobian of the
 * scalar outputs with respect to all parameters, over a flat parameter vector.
 *
 * The Jacobian is built from jax-js `vjp` vmapped over the rows of the identity of the OUTPUT
 * space. (`jacrev` in @jax-js/jax 0.1.25 vmaps over the identity of the INPUT space, so it only
 * works for square Jacobians.)
 *
 * @module
 */
import { numpy as np, vjp, vmap } from "@jax-js/jax";
import { mlpApply, MlpConfig } from "../mlp.ts";
import type { Params } from "../params.ts";

/** Concatenate every leaf into one flat vector [P], remembering how to split it again. */
export function flattenParams(params: Params): {
  flat: np.Array;
  unflatten: (v: np.Array) => Params;
} {
  const names = Object.keys(params);
  const shapes = names.map((n) => params[n]!.shape);
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const flat = np.concatenate(names.map((n) => params[n]!.reshape([-1])));
  const unflatten = (v: np.Array): Params => {
    const out: Params = {};
    let offset = 0;
    names.forEach((name, i) => {
      const end = offset + sizes[i]!;
      const piece = (i === names.length - 1 ? v : v.ref).slice([offset, end]);
      out[name] = piece.reshape(shapes[i]!);
      offset = end;
    });
    return out;
  };
  return { flat, unflatten };
}

/** Reverse-mode Jacobian [outputs, P] of f: R^P -> R^outputs at `at` (consumes `at`). */
export function jacobian(f: (v: np.Array) => np.Array, at: np.Array, outputs: number): np.Array {
  const pullback = (cotangent: np.Array): np.Array => {
    const [y, back] = vjp(f, [at.ref]);
    y.dispose();
    const [row] = back(cotangent) as unknown as [np.Array];
    back.dispose();
    return row;
  };
  const jac = vmap(pullback, [0])(np.eye(outputs, undefined, { dtype: at.dtype })); // [outputs, P]
  at.dispose();
  return jac;
}

/**
 * Empirical NTK [n, n] of an MLP with one output on inputs x [n, d].
 * Consumes `params` and `x`.
 */
export function empiricalNtk(config: MlpConfig, params: Params, x: np.Array): np.Array {
  const { flat, unflatten } = flattenParams(params);
  const f = (theta: np.Array) => mlpApply(config, unflatten(theta), x.ref).sum(1); // [n]
  const jac = jacobian(f, flat, x.shape[0]!); // [n, P]
  x.dispose();
  return np.matmul(jac.ref, jac.transpose()); // [n, n]
}
