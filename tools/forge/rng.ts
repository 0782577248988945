/**
 * Seeded pseudo-random numbers for deterministic weight init. mulberry32 for uniforms,
 * Box-Muller for normals, FNV-1a to derive independent per-tensor streams from a name.
 *
 * @module
 */

/** A seeded random source. */
export interface Rng {
  /** Uniform float in [0, 1). */
  uniform(): number;
  /** Standard normal sample (mean 0, std 1). */
  normal(): number;
}

/**
 * FNV-1a 32-bit hash of a string, used to derive per-tensor seeds.
 *
 * @example
 * ```ts
 * fnv1a32("model.norm.weight"); // a uint32
 * ```
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * Create a mulberry32 generator from a 32-bit seed.
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * rng.normal();
 * ```
 */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    uniform,
    normal: () => {
      // Box-Muller; 1 - u keeps the log argument in (0, 1].
      const u1 = 1 - uniform();
      const u2 = uniform();
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
  };
}

/**
 * A generator whose stream depends only on `seed` and `name`, so tensors can be created
 * in any order and still get the same values.
 *
 * @example
 * ```ts
 * const rng = deriveRng(7, "model.layers.0.self_attn.q_proj.weight");
 * ```
 */
export function deriveRng(seed: number, name: string): Rng {
  return createRng((fnv1a32(name) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0);
}
