/**
 * Shared test helpers for the sampling stages: fast-check arbitraries for logits rows and
 * float64 reference implementations to check the float32 code against.
 *
 * @module
 */
import fc from "fast-check";

/** One logit: a float32 in [-20, 20], or a small integer so that ties show up often. */
export const logitArb: fc.Arbitrary<number> = fc.oneof(
  fc.float({ min: -20, max: 20, noNaN: true }),
  fc.integer({ min: -6, max: 6 }),
);

/** A row of 2..40 logits. */
export const rowArb: fc.Arbitrary<Float32Array> = fc
  .array(logitArb, { minLength: 2, maxLength: 40 })
  .map((values) => Float32Array.from(values));

/** Reference softmax in float64 over a row with at least one finite logit. */
export function softmax64(logits: ArrayLike<number>): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const e = Array.from(logits, (l) => Math.exp(l - max));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / total);
}

/** Reference argmax: ties to the lowest id. */
export function argmax64(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** The k-th largest value by sorting (k = 1 is the maximum). */
export function kthLargestBySort(values: ArrayLike<number>, k: number): number {
  return Array.from(values).sort((a, b) => b - a)[k - 1]!;
}

/** Pearson's chi-square statistic of observed counts against expected probabilities. */
export function chiSquare(counts: ArrayLike<number>, probabilities: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  let statistic = 0;
  for (let i = 0; i < counts.length; i++) {
    const expected = total * probabilities[i]!;
    statistic += (counts[i]! - expected) ** 2 / expected;
  }
  return statistic;
}

/** 0.999 quantiles of the chi-square distribution by degrees of freedom (rejection at 0.1%). */
export const CHI_SQUARE_999: Readonly<Record<number, number>> = {
  1: 10.828,
  2: 13.816,
  3: 16.266,
  4: 18.467,
  5: 20.515,
  6: 22.458,
  7: 24.322,
  8: 26.124,
  9: 27.877,
};
