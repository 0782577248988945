/**
 * Building table rows and gains from per-item outcomes: values in points (0-100) with a
 * seeded bootstrap interval; gains paired item by item with an exact McNemar p-value for 0/1
 * outcomes and a sign-flip permutation p-value for real-valued scores.
 *
 * @module
 */
import type { EvalGain, EvalRow, MeasuredRow } from "./context.ts";
import { mcnemarPaired, mean, meanCi, pairedMeanDiffCi, signFlipTest } from "./stats.ts";

/** What names a row. */
export interface RowKey {
  readonly section: string;
  readonly set: string;
  readonly method: string;
  readonly metric: string;
}

const points = (x: number) => 100 * x;
const round = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * A row whose value is the mean of per-item scores in [0, 1], in points, with its 95%
 * bootstrap interval.
 *
 * @example
 * ```ts
 * pointsRow({ section: "s", set: "x", method: "m", metric: "accuracy" }, [1, 0], 1).value; // 50
 * ```
 */
export function pointsRow(
  key: RowKey,
  scores: readonly number[],
  seed: number,
  note?: string,
): MeasuredRow {
  const [lo, hi] = meanCi(scores, { seed });
  return {
    ...key,
    n: scores.length,
    value: round(points(mean(scores))),
    ...(scores.length > 0 ? { ci95: [round(points(lo)), round(points(hi))] } : {}),
    ...(note !== undefined ? { note } : {}),
  };
}

/**
 * A row with a plain value (not in points), e.g. the mean number of listed items, with its
 * bootstrap interval.
 */
export function meanRow(
  key: RowKey,
  values: readonly number[],
  seed: number,
  note?: string,
): MeasuredRow {
  const [lo, hi] = meanCi(values, { seed });
  return {
    ...key,
    n: values.length,
    value: round(mean(values)),
    ...(values.length > 0 ? { ci95: [round(lo), round(hi)] } : {}),
    ...(note !== undefined ? { note } : {}),
  };
}

/**
 * A row that could not be measured: n = 0, value null and the reason in the note (the table
 * prints "not measured").
 */
export function missingRow(key: RowKey, note: string): EvalRow {
  return { ...key, n: 0, value: null, note };
}

/**
 * The gain of `method` over `baseline` on the same items, in points: mean difference, paired
 * bootstrap 95% interval and a paired p-value (McNemar when every score is 0 or 1, else
 * sign-flip permutation).
 *
 * @example
 * ```ts
 * pairedGain([1, 1, 1, 1, 1], [0, 0, 0, 0, 0], 1).p_value; // 0.0625
 * ```
 */
export function pairedGain(
  method: readonly number[],
  baseline: readonly number[],
  seed: number,
): EvalGain {
  const [lo, hi] = pairedMeanDiffCi(method, baseline, { seed });
  const binary = [...method, ...baseline].every((x) => x === 0 || x === 1);
  const p = binary ? mcnemarPaired(method, baseline) : signFlipTest(method, baseline, { seed });
  const n = method.length;
  return {
    points: round(points(mean(method) - mean(baseline))),
    n,
    ci95: n === 0 ? [0, 0] : [round(points(lo)), round(points(hi))],
    p_value: p,
  };
}
