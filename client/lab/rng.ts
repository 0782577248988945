/**
 * Seeded pseudo-random numbers for the lab (host side): parameter initialisation, data splits,
 * minibatch order and SGLD noise seeds all come from here, so a run is reproducible from its seed.
 *
 * @module
 */

/** A seeded random source. */
export type Rng = {
  /** Uniform float in [0, 1). */
  uniform(): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** A fresh 32-bit seed, for jax-js PRNG keys or child generators. */
  seed(): number;
};

/** splitmix32 step: good avalanche, 32-bit state, fast in JS. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [next, z >>> 0];
}

/**
 * Create a seeded generator.
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * rng.normal(); // same value on every run
 * ```
 */
export function createRng(seed: number): Rng {
  let state = seed | 0;
  let spare: number | null = null;
  const next = (): number => {
    const [s, out] = splitmix32(state);
    state = s;
    return out;
  };
  const uniform = (): number => next() / 4294967296;
  return {
    uniform,
    normal(): number {
      if (spare !== null) {
        const v = spare;
        spare = null;
        return v;
      }
      const u1 = 1 - uniform(); // (0, 1]: log stays finite
      const u2 = uniform();
      const r = Math.sqrt(-2 * Math.log(u1));
      spare = r * Math.sin(2 * Math.PI * u2);
      return r * Math.cos(2 * Math.PI * u2);
    },
    int(n: number): number {
      return Math.floor(uniform() * n);
    },
    seed(): number {
      return next() >>> 1; // non-negative int32, accepted by random.key
    },
  };
}

/** Fisher-Yates shuffle of 0..n-1 with the given generator. */
export function permutation(rng: Rng, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}

/** A Float64Array of standard normals scaled by `scale`. */
export function normals(rng: Rng, size: number, scale = 1): Float64Array {
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.normal() * scale;
  return out;
}
