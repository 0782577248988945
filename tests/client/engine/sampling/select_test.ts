import assert from "node:assert/strict";
import fc from "fast-check";
import { kthLargest, massThreshold } from "../../../../client/engine/sampling/select.ts";
import { kthLargestBySort, rowArb } from "./helpers.ts";

Deno.test("kthLargest() equals the k-th element of a descending sort", () => {
  fc.assert(
    fc.property(rowArb, fc.nat(), (row, rawK) => {
      const k = 1 + (rawK % row.length);
      const got = kthLargest(row.slice(), row.length, k), want = kthLargestBySort(row, k);
      assert.ok(got === want, `${got} !== ${want}`); // === so that -0 and 0 count as equal
    }),
  );
  // Long runs of equal values (many banned tokens) stay correct.
  const banned = new Float32Array(10_000).fill(-Infinity);
  banned[1234] = 2;
  banned[4321] = 1;
  assert.equal(kthLargest(banned.slice(), banned.length, 2), 1);
  assert.equal(kthLargest(banned.slice(), banned.length, 3), -Infinity);
});

Deno.test("massThreshold() returns the largest value whose upper set reaches the mass", () => {
  assert.equal(massThreshold(Float32Array.of(0.5, 0.3, 0.2), 3, 0.7), Math.fround(0.3));
  assert.equal(massThreshold(Float32Array.of(0.2, 0.5, 0.3), 3, 0.4), 0.5);
  // Exact ties of mass: the larger values alone reach it, so the threshold stays with them.
  assert.equal(massThreshold(Float32Array.of(3, 2, 1), 3, 3), 3);
  assert.equal(massThreshold(Float32Array.of(1, 2, 3), 3, 5), 2);
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(fc.integer({ min: 0, max: 5 }), fc.float({ min: 0, max: 1, noNaN: true })),
        {
          minLength: 1,
          maxLength: 40,
        },
      ),
      fc.double({ min: 0.01, max: 1, noNaN: true }),
      (values, fraction) => {
        const row = Float32Array.from(values);
        const total = row.reduce((a, b) => a + b, 0);
        fc.pre(total > 0);
        const mass = fraction * total;
        const t = massThreshold(row.slice(), row.length, mass);
        const upper = (v: number) => row.reduce((s, x) => (x >= v ? s + x : s), 0);
        assert.ok(upper(t) >= mass * (1 - 1e-12), "the upper set reaches the mass");
        for (const v of row) {
          if (v > t) {
            assert.ok(upper(v) < mass * (1 + 1e-12), `a larger value ${v} also reaches it`);
          }
        }
      },
    ),
  );
});
