/**
 * Power-law fits by least squares on logarithms: y ≈ c x^k.
 *
 * @module
 */

/** Result of a log-log fit. */
export type PowerLawFit = { exponent: number; prefactor: number; r2: number; points: number };

/**
 * Fit log y = log c + k log x over the pairs with x > 0 and y > 0.
 *
 * @example
 * ```ts
 * fitPowerLaw([1, 2, 4], [1, 0.5, 0.25]).exponent; // -1
 * ```
 */
export function fitPowerLaw(xs: number[], ys: number[]): PowerLawFit {
  const pts: [number, number][] = [];
  xs.forEach((x, i) => {
    const y = ys[i]!;
    if (x > 0 && y > 0 && Number.isFinite(x) && Number.isFinite(y)) {
      pts.push([Math.log(x), Math.log(y)]);
    }
  });
  if (pts.length < 2) {
    return { exponent: Number.NaN, prefactor: Number.NaN, r2: Number.NaN, points: pts.length };
  }
  const n = pts.length;
  const mx = pts.reduce((s, p) => s + p[0], 0) / n;
  const my = pts.reduce((s, p) => s + p[1], 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const [lx, ly] of pts) {
    sxx += (lx - mx) ** 2;
    sxy += (lx - mx) * (ly - my);
    syy += (ly - my) ** 2;
  }
  const k = sxy / sxx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { exponent: k, prefactor: Math.exp(my - k * mx), r2, points: n };
}

/** Mean and sample standard deviation. */
export function meanStd(values: number[]): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const v = n > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(v) };
}
