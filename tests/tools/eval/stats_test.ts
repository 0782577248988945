/**
 * Significance helpers of `deno task eval` against values computed by hand (binomial tails,
 * sign patterns) and the bootstrap's known behaviour (seeded, constant data, standard error).
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  bootstrapCi,
  mcnemarExact,
  mcnemarPaired,
  meanCi,
  pairedMeanDiffCi,
  quantileSorted,
  signFlipTest,
} from "../../../tools/eval/stats.ts";

const close = (got: number, want: number, tol: number, what: string) =>
  assert.ok(Math.abs(got - want) <= tol, `${what}: ${got} vs ${want}`);

Deno.test("mcnemarExact() equals twice the binomial tail of the smaller discordant count", () => {
  close(mcnemarExact(0, 5), 2 / 32, 1e-12, "0 vs 5");
  close(mcnemarExact(1, 9), 22 / 1024, 1e-12, "1 vs 9");
  close(mcnemarExact(9, 1), 22 / 1024, 1e-12, "symmetric");
  // 2 * P(Bin(40, 1/2) <= 10), computed with exact integers.
  close(mcnemarExact(10, 30), 0.0022214337732293643, 1e-12, "10 vs 30");
  assert.equal(mcnemarExact(3, 3), 1);
  assert.equal(mcnemarExact(0, 0), 1);
});

Deno.test("mcnemarExact() refuses negative or fractional counts", () => {
  assert.throws(() => mcnemarExact(-1, 2), /Cannot run McNemar's test .*-1 and 2/);
  assert.throws(() => mcnemarExact(1.5, 2), /non-negative integers/);
});

Deno.test("mcnemarPaired() counts only the discordant items", () => {
  // 5 items only the method got right, 0 only the baseline, 3 concordant.
  const method = [1, 1, 1, 1, 1, 1, 0, 1];
  const baseline = [0, 0, 0, 0, 0, 1, 0, 1];
  close(mcnemarPaired(method, baseline), 0.0625, 1e-12, "b=5 c=0");
  assert.throws(() => mcnemarPaired([1], [1, 0]), /current lengths are 1 and 2/);
});

Deno.test("signFlipTest() enumerates every sign pattern for a few differences", () => {
  assert.equal(signFlipTest([0.5, 0.5, 0.5], [0, 0, 0], { seed: 1 }), 0.25);
  assert.equal(signFlipTest([1, 0], [0, 1], { seed: 1 }), 1);
  assert.equal(signFlipTest([0.3, 0.3], [0.3, 0.3], { seed: 1 }), 1);
  // d = [1, 2]: sums 3, 1, -1, -3; |s| >= 3 in 2 of 4.
  assert.equal(signFlipTest([1, 2], [0, 0], { seed: 1 }), 0.5);
});

Deno.test("signFlipTest() samples signs beyond 16 differences and matches the exact tail", () => {
  // 20 differences of +-1 with sum 8: exact p = 2 P(Bin(20, 1/2) >= 14) = 0.11531829833984375.
  const method = [...Array(14).fill(1), ...Array(6).fill(0)];
  const baseline = [...Array(14).fill(0), ...Array(6).fill(1)];
  close(signFlipTest(method, baseline, { seed: 3 }), 0.11531829833984375, 0.01, "sampled tail");
  assert.equal(
    signFlipTest(method, baseline, { seed: 3 }),
    signFlipTest(method, baseline, { seed: 3 }),
  );
  const strong = signFlipTest(Array(30).fill(1), Array(30).fill(0), { seed: 3, flips: 5000 });
  close(strong, 1 / 5001, 1e-12, "no sampled pattern is as extreme as all +1");
});

Deno.test("quantileSorted() interpolates between order statistics", () => {
  assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantileSorted([1, 2, 3, 4], 0), 1);
  assert.equal(quantileSorted([1, 2, 3, 4], 1), 4);
  close(quantileSorted([0, 10], 0.975), 9.75, 1e-12, "upper");
});

Deno.test("meanCi() is seeded, collapses on constant data and spans about 2 standard errors", () => {
  assert.deepEqual(meanCi([1, 1, 1, 1], { seed: 5 }), [1, 1]);
  const half = Array.from({ length: 100 }, (_, i) => i % 2);
  const [lo, hi] = meanCi(half, { seed: 5 });
  // SE = 0.5 / sqrt(100) = 0.05, so the 95% interval is about 0.5 +- 0.098.
  close(lo, 0.402, 0.02, "lower");
  close(hi, 0.598, 0.02, "upper");
  assert.deepEqual(meanCi(half, { seed: 5 }), [lo, hi]);
  assert.notDeepEqual(meanCi(half, { seed: 6 }), [lo, hi]);
});

Deno.test("pairedMeanDiffCi() resamples items together, so a constant gain has no spread", () => {
  const baseline = Array.from({ length: 50 }, (_, i) => (i % 5) / 5);
  const method = baseline.map((b) => b + 0.2);
  const [lo, hi] = pairedMeanDiffCi(method, baseline, { seed: 2 });
  close(lo, 0.2, 1e-9, "lower");
  close(hi, 0.2, 1e-9, "upper");
});

Deno.test("bootstrapCi() evaluates the statistic on resampled indices", () => {
  assert.deepEqual(bootstrapCi(4, (idx) => idx.length, { seed: 1, resamples: 50 }), [4, 4]);
  const [lo, hi] = bootstrapCi(10, (idx) => Math.max(...idx), { seed: 1 });
  assert.ok(lo >= 6 && hi === 9, `${lo} ${hi}`);
});
