/**
 * Known learning coefficients, the ground truth the SGLD estimator is checked against.
 *
 * - Normal crossing: K(w) = prod w_i^(2 k_i) with prior prod |w_i|^(h_i) has
 *   lambda = min_i (h_i + 1) / (2 k_i), multiplicity = how many i attain the minimum.
 * - Deep linear networks: Aoyagi (2024), "Consideration on the learning efficiency of
 *   multiple-layered neural networks with linear units", Theorem 1. For layer widths
 *   H_1 (input), ..., H_{L+1} (output) and true rank r, let M_j = H_j - r. Choose the index set
 *   S (|S| = l + 1) with max_{S} M < min_{not S} M, sum_S M >= l max_S M and
 *   sum_S M < l min_{not S} M. With M = ceil(sum_S M / l) and a = sum_S M - (M - 1) l:
 *   lambda = (-r^2 + r (H_1 + H_{L+1})) / 2 + a (l - a) / (4 l)
 *            - l (l - 1) / 4 (sum_S M / l)^2 + 1/2 sum_{i<j in S} M_i M_j.
 *
 * @module
 */
import { LabSettingsError } from "../errors.ts";

/** lambda and multiplicity of a normal crossing. */
export function normalCrossingLambda(
  powers: number[],
  priorPowers: number[] = [],
): { lambda: number; multiplicity: number } {
  if (powers.length === 0 || powers.some((k) => !Number.isInteger(k) || k < 1)) {
    throw new LabSettingsError(
      `Cannot compute a normal-crossing lambda as 'powers' must be positive integers: current value is [${powers}]`,
    );
  }
  const ratios = powers.map((k, i) => ((priorPowers[i] ?? 0) + 1) / (2 * k));
  const lambda = Math.min(...ratios);
  return { lambda, multiplicity: ratios.filter((r) => Math.abs(r - lambda) < 1e-12).length };
}

function subsetOk(m: number[], inS: boolean[]): boolean {
  const s = m.filter((_, i) => inS[i]);
  const rest = m.filter((_, i) => !inS[i]);
  const l = s.length - 1;
  const sum = s.reduce((a, b) => a + b, 0);
  const maxS = Math.max(...s);
  if (rest.length > 0 && !(maxS < Math.min(...rest))) return false;
  if (!(sum >= l * maxS)) return false;
  if (rest.length > 0 && !(sum < l * Math.min(...rest))) return false;
  return true;
}

/** The index set S of Aoyagi's theorem (brute force over subsets; widths lists are short). */
export function aoyagiSubset(m: number[]): number[] {
  const count = m.length;
  for (let size = 2; size <= count; size++) {
    for (let bits = 0; bits < 1 << count; bits++) {
      const inS = m.map((_, i) => ((bits >> i) & 1) === 1);
      if (inS.filter(Boolean).length !== size) continue;
      if (subsetOk(m, inS)) return m.map((_, i) => i).filter((i) => inS[i]);
    }
  }
  throw new Error(`No index set satisfies Aoyagi's conditions for M = [${m}]`);
}

/**
 * Learning coefficient of a deep linear network.
 *
 * @param widths [input, hidden..., output]
 * @param rank rank of the true product matrix, at most the smallest width
 *
 * @example
 * ```ts
 * aoyagiLambda([5, 3, 5], 0); // 6.5
 * ```
 */
export function aoyagiLambda(widths: number[], rank: number): number {
  if (widths.length < 2 || widths.some((h) => !Number.isInteger(h) || h < 1)) {
    throw new LabSettingsError(
      `Cannot compute Aoyagi's lambda as 'widths' must list at least two positive integers: current value is [${widths}]`,
    );
  }
  const minWidth = Math.min(...widths);
  if (!Number.isInteger(rank) || rank < 0 || rank > minWidth) {
    throw new LabSettingsError(
      `Cannot compute Aoyagi's lambda as 'rank' must be an integer in [0, ${minWidth}]: current value is ${rank}`,
    );
  }
  const m = widths.map((h) => h - rank);
  const idx = aoyagiSubset(m);
  const s = idx.map((i) => m[i]!);
  const l = s.length - 1;
  const sum = s.reduce((a, b) => a + b, 0);
  const bigM = Math.ceil(sum / l);
  const a = sum - (bigM - 1) * l;
  let pairs = 0;
  for (let i = 0; i < s.length; i++) for (let j = i + 1; j < s.length; j++) pairs += s[i]! * s[j]!;
  const input = widths[0]!;
  const output = widths[widths.length - 1]!;
  return (-(rank ** 2) + rank * (input + output)) / 2 + (a * (l - a)) / (4 * l) -
    ((l * (l - 1)) / 4) * (sum / l) ** 2 + pairs / 2;
}
