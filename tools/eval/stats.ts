/**
 * Significance of the evaluation's numbers: percentile bootstrap intervals (plain and paired,
 * seeded), the exact two-sided McNemar test for paired 0/1 outcomes, and a sign-flip
 * permutation test for paired real-valued scores. Pure functions; randomness comes from the
 * engine's seeded generator (client/engine/sampling/rng.ts), so a seed reproduces every figure.
 *
 * @module
 */
import { createRng, type Rng } from "../../client/engine/sampling/rng.ts";

/** Bootstrap resamples used by default. */
export const DEFAULT_RESAMPLES = 2000;
/** Random sign flips of the permutation test when exact enumeration is too large. */
export const DEFAULT_FLIPS = 20_000;
/** Up to this many non-zero differences the sign-flip test enumerates all 2^n signs. */
export const EXACT_FLIP_LIMIT = 16;

/** Mean of `xs` (0 for none). */
export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The `q`-quantile (0..1) of sorted values, linear interpolation between order statistics. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  const a = sorted[lo]!;
  return a + (sorted[hi]! - a) * (at - lo);
}

/** Settings of the bootstrap. */
export interface BootstrapOptions {
  readonly seed: number;
  readonly resamples?: number;
}

/**
 * Percentile bootstrap 95% interval of a statistic of n items: each resample draws n item
 * indices with replacement and evaluates `statistic` on them.
 *
 * @example
 * ```ts
 * bootstrapCi(4, (idx) => idx.length, { seed: 1 }); // [4, 4]
 * ```
 */
export function bootstrapCi(
  n: number,
  statistic: (indices: readonly number[]) => number,
  options: BootstrapOptions,
): [number, number] {
  if (n === 0) return [Number.NaN, Number.NaN];
  const rng: Rng = createRng(options.seed, 0xb007);
  const values: number[] = [];
  const indices = new Array<number>(n);
  for (let r = 0; r < (options.resamples ?? DEFAULT_RESAMPLES); r++) {
    for (let i = 0; i < n; i++) indices[i] = Math.floor(rng.next() * n);
    values.push(statistic(indices));
  }
  values.sort((a, b) => a - b);
  return [quantileSorted(values, 0.025), quantileSorted(values, 0.975)];
}

/**
 * Bootstrap 95% interval of the mean of `xs`.
 *
 * @example
 * ```ts
 * meanCi([1, 1, 1], { seed: 1 }); // [1, 1]
 * ```
 */
export function meanCi(xs: readonly number[], options: BootstrapOptions): [number, number] {
  return bootstrapCi(xs.length, (idx) => mean(idx.map((i) => xs[i]!)), options);
}

/**
 * Paired bootstrap 95% interval of mean(method - baseline): items are resampled together,
 * so the interval reflects the per-item correlation of the two methods.
 *
 * @example
 * ```ts
 * pairedMeanDiffCi([1, 1, 0], [0, 1, 0], { seed: 1 }); // an interval around 1/3
 * ```
 */
export function pairedMeanDiffCi(
  method: readonly number[],
  baseline: readonly number[],
  options: BootstrapOptions,
): [number, number] {
  checkPaired(method, baseline);
  return meanCi(method.map((m, i) => m - baseline[i]!), options);
}

function checkPaired(a: readonly number[], b: readonly number[]): void {
  if (a.length !== b.length) {
    throw new RangeError(
      `Cannot pair the outcomes as both lists must have one entry per item: current lengths are ${a.length} and ${b.length}`,
    );
  }
}

/** log(k!) by summation (n here is at most a few thousand). */
function logFactorials(n: number): Float64Array {
  const out = new Float64Array(n + 1);
  for (let k = 1; k <= n; k++) out[k] = out[k - 1]! + Math.log(k);
  return out;
}

/**
 * Exact two-sided McNemar p-value from the discordant counts: b items only the method got
 * right, c items only the baseline got right; p = min(1, 2 P(X <= min(b, c))), X ~ Bin(b + c, 1/2).
 *
 * @example
 * ```ts
 * mcnemarExact(0, 5); // 0.0625
 * ```
 */
export function mcnemarExact(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) {
    throw new RangeError(
      `Cannot run McNemar's test as the discordant counts must be non-negative integers: current values are ${b} and ${c}`,
    );
  }
  const n = b + c;
  if (n === 0) return 1;
  const lf = logFactorials(n);
  let tail = 0;
  for (let k = 0; k <= Math.min(b, c); k++) {
    tail += Math.exp(lf[n]! - lf[k]! - lf[n - k]! - n * Math.LN2);
  }
  return Math.min(1, 2 * tail);
}

/**
 * McNemar's exact p-value of paired 0/1 outcomes (1 = correct).
 *
 * @example
 * ```ts
 * mcnemarPaired([1, 1, 1, 1, 1], [0, 0, 0, 0, 0]); // 0.0625
 * ```
 */
export function mcnemarPaired(method: readonly number[], baseline: readonly number[]): number {
  checkPaired(method, baseline);
  let b = 0;
  let c = 0;
  method.forEach((m, i) => {
    const base = baseline[i]!;
    if (m > 0 && base <= 0) b++;
    if (m <= 0 && base > 0) c++;
  });
  return mcnemarExact(b, c);
}

/**
 * Two-sided sign-flip permutation p-value of mean(method - baseline) = 0 for paired
 * real-valued scores: every sign pattern of the non-zero differences when there are at most
 * {@link EXACT_FLIP_LIMIT}, else `flips` seeded random patterns (p = (hits + 1) / (flips + 1)).
 *
 * @example
 * ```ts
 * signFlipTest([0.5, 0.5, 0.5], [0, 0, 0], { seed: 1 }); // 0.25 (2 of 8 patterns are as extreme)
 * ```
 */
export function signFlipTest(
  method: readonly number[],
  baseline: readonly number[],
  options: { readonly seed: number; readonly flips?: number },
): number {
  checkPaired(method, baseline);
  const d = method.map((m, i) => m - baseline[i]!).filter((x) => x !== 0);
  if (d.length === 0) return 1;
  const observed = Math.abs(d.reduce((a, b) => a + b, 0));
  // A small tolerance so ties with the observed sum count as "as extreme" despite rounding.
  const tol = 1e-9 * Math.max(1, observed);
  if (d.length <= EXACT_FLIP_LIMIT) {
    let hits = 0;
    const total = 2 ** d.length;
    for (let mask = 0; mask < total; mask++) {
      let s = 0;
      for (let i = 0; i < d.length; i++) s += (mask >> i) & 1 ? -d[i]! : d[i]!;
      if (Math.abs(s) >= observed - tol) hits++;
    }
    return hits / total;
  }
  const rng = createRng(options.seed, 0xf11b);
  const flips = options.flips ?? DEFAULT_FLIPS;
  let hits = 0;
  for (let r = 0; r < flips; r++) {
    let s = 0;
    for (const x of d) s += rng.next() < 0.5 ? -x : x;
    if (Math.abs(s) >= observed - tol) hits++;
  }
  return (hits + 1) / (flips + 1);
}
