/**
 * Selection without sorting, for top-k and top-p: expected O(n) quickselect with a three-way
 * partition (so long runs of equal values, like many -Infinity after a ban, stay linear) and a
 * median-of-three pivot. Both functions reorder the scratch buffer they are given.
 *
 * @module
 */

/** Median of three numbers. */
function median3(a: number, b: number, c: number): number {
  if (a > b) [a, b] = [b, a];
  if (b > c) b = c;
  return a > b ? a : b;
}

/**
 * The k-th largest value among `work[0..n)` (k = 1 is the maximum). Reorders `work[0..n)`.
 * The values must not be NaN.
 *
 * @param work scratch values, reordered in place. Shape `[>= n]`.
 * @param n how many leading entries count.
 * @param k rank in [1, n].
 *
 * @example
 * ```ts
 * kthLargest(Float32Array.of(3, 1, 2), 3, 2); // 2
 * ```
 */
export function kthLargest(work: Float32Array, n: number, k: number): number {
  const target = k - 1; // index of the answer in descending order
  let lo = 0, hi = n;
  while (true) {
    const pivot = median3(work[lo]!, work[(lo + hi) >>> 1]!, work[hi - 1]!);
    // Dutch flag, descending: [lo, lt) > pivot, [lt, i) == pivot, [gt, hi) < pivot.
    let lt = lo, i = lo, gt = hi;
    while (i < gt) {
      const v = work[i]!;
      if (v > pivot) {
        work[i] = work[lt]!;
        work[lt++] = v;
        i++;
      } else if (v < pivot) {
        work[i] = work[--gt]!;
        work[gt] = v;
      } else i++;
    }
    if (target < lt) hi = lt;
    else if (target < gt) return pivot;
    else lo = gt;
  }
}

/**
 * The largest value `t` among `work[0..n)` such that the sum of all values `>= t` is at least
 * `mass`: the probability threshold of a nucleus. The values must be >= 0 and not NaN. If
 * rounding leaves `mass` just above the total, returns 0 (so every token is kept).
 * Reorders `work[0..n)`; sums are accumulated in float64.
 *
 * @param work scratch non-negative weights, reordered in place. Shape `[>= n]`.
 * @param n how many leading entries count.
 * @param mass the mass the kept set must reach, > 0.
 *
 * @example
 * ```ts
 * massThreshold(Float32Array.of(0.5, 0.3, 0.2), 3, 0.7); // 0.3 (0.5 + 0.3 >= 0.7)
 * ```
 */
export function massThreshold(work: Float32Array, n: number, mass: number): number {
  let remaining = mass;
  let lo = 0, hi = n;
  while (lo < hi) {
    const pivot = median3(work[lo]!, work[(lo + hi) >>> 1]!, work[hi - 1]!);
    let lt = lo, i = lo, gt = hi;
    let sumGreater = 0;
    while (i < gt) {
      const v = work[i]!;
      if (v > pivot) {
        sumGreater += v;
        work[i] = work[lt]!;
        work[lt++] = v;
        i++;
      } else if (v < pivot) {
        work[i] = work[--gt]!;
        work[gt] = v;
      } else i++;
    }
    if (sumGreater >= remaining) {
      hi = lt; // the threshold lies among the larger values
      continue;
    }
    const sumWithEqual = sumGreater + pivot * (gt - lt);
    if (sumWithEqual >= remaining) return pivot;
    remaining -= sumWithEqual;
    lo = gt;
  }
  return 0;
}
