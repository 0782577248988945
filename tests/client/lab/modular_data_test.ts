import assert from "node:assert/strict";
import fc from "fast-check";
import {
  makeModularSplit,
  modularLabel,
  oneHotPairs,
  pairTokens,
} from "../../../client/lab/modular_data.ts";
import { createRng, permutation } from "../../../client/lab/rng.ts";

Deno.test("modularLabel computes a+b, a-b and a*b mod p in [0, p)", () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 200 }), fc.nat(), fc.nat(), (p, x, y) => {
      const [a, b] = [x % p, y % p];
      for (const op of ["add", "sub", "mul"] as const) {
        const l = modularLabel(op, a, b, p);
        assert.ok(l >= 0 && l < p);
        const v = op === "add" ? a + b : op === "sub" ? a - b + p : a * b;
        assert.equal(l, v % p);
      }
    }),
  );
});

Deno.test("makeModularSplit partitions all p^2 pairs with a train count that is a multiple of 16", () => {
  const s = makeModularSplit(17, "mul", 0.3, createRng(1));
  assert.equal(s.train.a.length % 16, 0);
  assert.equal(s.train.a.length + s.test.a.length, 289);
  assert.equal(s.classes, 32);
  const seen = new Set<number>();
  for (const rows of [s.train, s.test]) {
    rows.a.forEach((a, i) => {
      seen.add(a * 17 + rows.b[i]!);
      assert.equal(rows.label[i], (a * rows.b[i]!) % 17);
    });
  }
  assert.equal(seen.size, 289);
  assert.deepEqual(makeModularSplit(17, "mul", 0.3, createRng(1)).train.a, s.train.a);
});

Deno.test("oneHotPairs and pairTokens encode operands for the MLP and the transformer", () => {
  const rows = { a: Int32Array.of(2, 0), b: Int32Array.of(1, 4), label: Int32Array.of(3, 4) };
  const x = oneHotPairs(rows, 16);
  assert.equal(x.length, 2 * 32);
  assert.deepEqual([...x.keys()].filter((i) => x[i] === 1), [2, 16 + 1, 32 + 0, 32 + 16 + 4]);
  assert.deepEqual([...pairTokens(rows, 5)], [2, 1, 5, 0, 4, 5]);
});

Deno.test("permutation is a seeded bijection", () => {
  const p = permutation(createRng(5), 50);
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(permutation(createRng(5), 50), p);
});
