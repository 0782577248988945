import assert from "node:assert/strict";
import fc from "fast-check";
import { applyTopK } from "../../../../client/engine/sampling/top_k.ts";
import { SamplingInputError } from "../../../../client/engine/sampling/errors.ts";
import { kthLargestBySort, rowArb } from "./helpers.ts";

Deno.test("applyTopK() keeps the k largest logits and masks the rest", () => {
  const out = new Float32Array(5);
  applyTopK(Float32Array.of(1, 5, 3, 4, 2), out, 2, new Float32Array(5));
  assert.deepEqual(Array.from(out), [-Infinity, 5, -Infinity, 4, -Infinity]);
});

Deno.test("applyTopK() keeps ties with the k-th largest logit, as Hugging Face does", () => {
  const out = new Float32Array(4);
  applyTopK(Float32Array.of(3, 1, 3, 3), out, 2, new Float32Array(4));
  assert.deepEqual(Array.from(out), [3, -Infinity, 3, 3]);
});

Deno.test("applyTopK() keeps exactly {i : logit_i >= k-th largest} for any row and k", () => {
  fc.assert(
    fc.property(rowArb, fc.nat(45), (logits, k) => {
      const out = new Float32Array(logits.length);
      applyTopK(logits, out, k, new Float32Array(logits.length));
      if (k === 0 || k >= logits.length) {
        assert.deepEqual(out, logits);
        return;
      }
      const threshold = kthLargestBySort(logits, k);
      let kept = 0;
      for (let i = 0; i < logits.length; i++) {
        const keep = logits[i]! >= threshold;
        assert.equal(out[i], keep ? logits[i] : -Infinity);
        if (keep) kept++;
      }
      assert.ok(kept >= k);
      if (new Set(logits).size === logits.length) assert.equal(kept, k);
    }),
  );
});

Deno.test("applyTopK() works in place and rejects a negative or fractional k", () => {
  const row = Float32Array.of(1, 2, 3);
  applyTopK(row, row, 1, new Float32Array(3));
  assert.deepEqual(Array.from(row), [-Infinity, -Infinity, 3]);
  assert.throws(() => applyTopK(row, row, -1, new Float32Array(3)), SamplingInputError);
  assert.throws(() => applyTopK(row, row, 1.5, new Float32Array(3)), SamplingInputError);
  assert.throws(() => applyTopK(row, row, 1, new Float32Array(2)), SamplingInputError);
});
