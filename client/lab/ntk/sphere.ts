/**
 * Inputs on the sphere of radius sqrt(d) in R^d, so that Sigma^0(x, x) = x . x / d = 1.
 *
 * @module
 */
import type { Rng } from "../rng.ts";

/** n points, uniform on the sphere of radius sqrt(d); row-major [n, d]. */
export function spherePoints(rng: Rng, n: number, d: number): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let j = 0; j < d; j++) {
      const v = rng.normal();
      out[i * d + j] = v;
      norm += v * v;
    }
    const scale = Math.sqrt(d / norm);
    for (let j = 0; j < d; j++) out[i * d + j] = out[i * d + j]! * scale;
  }
  return out;
}
