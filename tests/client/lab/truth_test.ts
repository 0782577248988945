import assert from "node:assert/strict";
import { LabSettingsError } from "../../../client/lab/errors.ts";
import { aoyagiLambda, aoyagiSubset, normalCrossingLambda } from "../../../client/lab/llc/truth.ts";

/**
 * Reduced-rank regression (one hidden layer): Aoyagi and Watanabe (2005), an independent closed
 * form that Aoyagi's multi-layer theorem must reproduce. M inputs, H hidden, N outputs, rank r.
 */
function reducedRankLambda(m: number, h: number, n: number, r: number): number {
  if (m + h < n + r) return (h * m - h * r + n * r) / 2;
  if (n + h < m + r) return (h * n - h * r + m * r) / 2;
  if (m + n < h + r) return (m * n) / 2;
  const base = 2 * (h + r) * (m + n) - (m - n) ** 2 - (h + r) ** 2;
  return (m + h + n + r) % 2 === 0 ? base / 8 : (base + 1) / 8;
}

Deno.test("aoyagiLambda matches the reduced-rank regression formula on every M, H, N <= 7", () => {
  let cases = 0;
  for (let m = 1; m <= 7; m++) {
    for (let h = 1; h <= 7; h++) {
      for (let n = 1; n <= 7; n++) {
        for (let r = 0; r <= Math.min(m, h, n); r++) {
          const got = aoyagiLambda([m, h, n], r);
          const want = reducedRankLambda(m, h, n, r);
          assert.ok(Math.abs(got - want) < 1e-12, `[${m},${h},${n}] r=${r}: ${got} vs ${want}`);
          cases++;
        }
      }
    }
  }
  assert.equal(cases, 1127);
});

Deno.test("aoyagiLambda gives d/2 for a single linear layer (a regular model)", () => {
  for (const [m, n] of [[4, 2], [3, 3], [1, 5], [6, 1]] as const) {
    for (let r = 0; r <= Math.min(m, n); r++) assert.equal(aoyagiLambda([m, n], r), (m * n) / 2);
  }
});

Deno.test("aoyagiLambda reproduces known deep values", () => {
  assert.equal(aoyagiLambda([5, 3, 5], 0), 6.5);
  assert.equal(aoyagiLambda([5, 3, 5], 1), 8);
  assert.equal(aoyagiLambda([8, 3, 4], 0), 6); // H N / 2 when N + H < M + r
  // Every width equal to the rank r: the product is a regular r x r map whose factorisation
  // adds no volume, so lambda = (-r^2 + 2 r^2) / 2 = r^2 / 2 whatever the depth.
  assert.equal(aoyagiLambda([2, 2, 2], 2), 2);
  assert.equal(aoyagiLambda([3, 3, 3, 3], 3), 4.5);
});

Deno.test("aoyagiSubset picks the smallest M's that satisfy the theorem's conditions", () => {
  assert.deepEqual(aoyagiSubset([5, 3, 5]), [0, 1, 2]);
  assert.deepEqual(aoyagiSubset([8, 3, 4]), [1, 2]);
});

Deno.test("aoyagiLambda rejects a rank above the narrowest layer", () => {
  assert.throws(() => aoyagiLambda([5, 2, 5], 3), LabSettingsError);
});

Deno.test("normalCrossingLambda is min (h + 1) / (2 k) with its multiplicity", () => {
  assert.deepEqual(normalCrossingLambda([1]), { lambda: 0.5, multiplicity: 1 });
  assert.deepEqual(normalCrossingLambda([1, 2]), { lambda: 0.25, multiplicity: 1 });
  assert.deepEqual(normalCrossingLambda([2, 2]), { lambda: 0.25, multiplicity: 2 });
  assert.deepEqual(normalCrossingLambda([3]), { lambda: 1 / 6, multiplicity: 1 });
  assert.deepEqual(normalCrossingLambda([2, 1], [1, 0]), { lambda: 0.5, multiplicity: 2 });
  assert.deepEqual(normalCrossingLambda([2], [2]), { lambda: 0.75, multiplicity: 1 });
  assert.throws(() => normalCrossingLambda([0]), LabSettingsError);
});
