import assert from "node:assert/strict";
import fc from "fast-check";
import { applyTopP } from "../../../../client/engine/sampling/top_p.ts";
import { SamplingInputError } from "../../../../client/engine/sampling/errors.ts";
import { rowArb } from "./helpers.ts";

function topP(logits: Float32Array, p: number): Float32Array {
  const n = logits.length;
  return applyTopP(logits, new Float32Array(n), p, new Float32Array(n), new Float32Array(n));
}

function keptIds(row: Float32Array): number[] {
  return Array.from(row).flatMap((l, i) => (l === -Infinity ? [] : [i]));
}

Deno.test("applyTopP() keeps the smallest most-probable set reaching top_p", () => {
  const logits = Float32Array.from([0.5, 0.3, 0.2], Math.log);
  assert.deepEqual(keptIds(topP(logits, 0.45)), [0]);
  assert.deepEqual(keptIds(topP(logits, 0.75)), [0, 1]);
  assert.deepEqual(keptIds(topP(logits, 0.85)), [0, 1, 2]);
  assert.deepEqual(keptIds(topP(logits, 1)), [0, 1, 2]);
  // Exactly representable probabilities 0.5, 0.25, 0.25: top_p 0.5 is reached by token 0 alone.
  assert.deepEqual(keptIds(topP(Float32Array.of(Math.log(2), 0, 0), 0.5)), [0]);
  assert.deepEqual(keptIds(topP(Float32Array.of(Math.log(2), 0, 0), 0.75)), [0, 1, 2]);
  // Order in the vocabulary does not matter, and kept logits are unchanged.
  const shuffled = Float32Array.from([0.2, 0.5, 0.3], Math.log);
  const out = topP(shuffled, 0.75);
  assert.deepEqual(Array.from(out), [-Infinity, shuffled[1], shuffled[2]]);
});

Deno.test("applyTopP() always keeps the most probable token, with its ties", () => {
  assert.deepEqual(keptIds(topP(Float32Array.of(0, 9, 3), 1e-9)), [1]);
  assert.deepEqual(keptIds(topP(Float32Array.of(9, 0, 9), 1e-9)), [0, 2]);
});

Deno.test("applyTopP() keeps a token iff the mass strictly more probable than it is below top_p", () => {
  fc.assert(
    fc.property(rowArb, fc.double({ min: 0.01, max: 1, noNaN: true }), (logits, p) => {
      const out = topP(logits, p);
      let max = -Infinity;
      for (const l of logits) max = Math.max(max, l);
      // Probabilities at float32 precision (the precision of the row), summed in float64.
      const w = Array.from(logits, (l) => Math.fround(Math.exp(l - max)));
      const total = w.reduce((a, b) => a + b, 0);
      const target = p * total;
      let keptMass = 0;
      let smallestKept = Infinity;
      for (let i = 0; i < logits.length; i++) {
        const above = w.reduce((sum, wj) => (wj > w[i]! ? sum + wj : sum), 0);
        const kept = out[i] !== -Infinity;
        if (kept) {
          keptMass += w[i]!;
          smallestKept = Math.min(smallestKept, w[i]!);
          assert.equal(out[i], logits[i]);
        }
        if (Math.abs(above - target) <= 1e-9 * total) continue; // rounding decides, either is fine
        assert.equal(kept, above < target, `token ${i}: mass above ${above}, target ${target}`);
      }
      // The kept set reaches top_p, and is minimal up to ties with its least probable token.
      assert.ok(keptMass >= target * (1 - 1e-9));
      const withoutLast = w.reduce((s, wi) => (wi > smallestKept ? s + wi : s), 0);
      assert.ok(withoutLast < target * (1 + 1e-9));
      assert.ok(out[w.indexOf(1)] !== -Infinity, "the top token is kept");
    }),
  );
});

Deno.test("applyTopP() rejects top_p outside (0, 1]", () => {
  const row = new Float32Array(2);
  for (const p of [0, -0.1, 1.5, NaN]) {
    assert.throws(
      () => applyTopP(row, row, p, new Float32Array(2), new Float32Array(2)),
      (e: unknown) =>
        e instanceof SamplingInputError && e.message.includes("'topP' must be in (0, 1]") &&
        e.message.endsWith(`current value is ${p}`),
    );
  }
});
