/**
 * The eigenlearning prediction of kernel ridge regression's test error (Bordelon, Canatar and
 * Pehlevan 2020; Simon et al. 2021). With kernel eigenvalues lambda_i (with respect to the data
 * distribution), target coefficients v_i, n samples and ridge delta:
 *
 *   solve  sum_i lambda_i / (lambda_i + kappa) + delta / kappa = n   for kappa > 0,
 *   L_i = lambda_i / (lambda_i + kappa),   E0 = n / (n - sum_i L_i^2),
 *   test MSE = E0 (sum_i (1 - L_i)^2 v_i^2 + noise^2).
 *
 * Plain float64 host code: it runs on eigenvalues already read back from the device.
 *
 * @module
 */
import { LabNumericsError } from "../errors.ts";

/** The effective regularisation kappa for n samples. */
export function solveKappa(eigenvalues: number[], n: number, ridge: number): number {
  const count = (kappa: number) =>
    eigenvalues.reduce((s, l) => s + l / (l + kappa), 0) + ridge / kappa;
  // count() falls from +inf (or the rank) to 0 as kappa grows; bisect in log space.
  let lo = 1e-300;
  let hi = 1;
  while (count(hi) > n) hi *= 10;
  if (count(lo) < n) {
    throw new LabNumericsError(
      `Cannot solve for kappa as 'n' must be below the kernel's rank ${eigenvalues.length} when ridge is 0: current value is ${n}`,
    );
  }
  for (let i = 0; i < 400; i++) {
    const mid = Math.sqrt(lo * hi);
    if (count(mid) > n) lo = mid;
    else hi = mid;
    if (hi / lo < 1 + 1e-12) break;
  }
  return Math.sqrt(lo * hi);
}

/** Predicted test MSE for n samples. */
export function predictTestError(
  eigenvalues: number[],
  coefficients: number[],
  n: number,
  ridge: number,
  noise = 0,
): number {
  const kappa = solveKappa(eigenvalues, n, ridge);
  let learned = 0;
  let residual = 0;
  eigenvalues.forEach((l, i) => {
    const li = l / (l + kappa);
    learned += li * li;
    residual += (1 - li) ** 2 * (coefficients[i] ?? 0) ** 2;
  });
  const e0 = n / (n - learned);
  return e0 * (residual + noise * noise);
}
