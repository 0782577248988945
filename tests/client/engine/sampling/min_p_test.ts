import assert from "node:assert/strict";
import fc from "fast-check";
import { applyMinP } from "../../../../client/engine/sampling/min_p.ts";
import { SamplingInputError } from "../../../../client/engine/sampling/errors.ts";
import { rowArb, softmax64 } from "./helpers.ts";

Deno.test("applyMinP() drops tokens below min_p times the top probability", () => {
  const logits = Float32Array.from([0.6, 0.3, 0.1], Math.log);
  const out = new Float32Array(3);
  applyMinP(logits, out, 0.25); // threshold 0.15
  assert.deepEqual(Array.from(out), [logits[0], logits[1], -Infinity]);
  applyMinP(logits, out, 0.6); // threshold 0.36
  assert.deepEqual(Array.from(out), [logits[0], -Infinity, -Infinity]);
  applyMinP(logits, out, 0);
  assert.deepEqual(out, logits);
  // Just above and just below the threshold.
  const edge = Float32Array.from([1, 0.251, 0.249], Math.log);
  applyMinP(edge, out, 0.25);
  assert.deepEqual(Array.from(out), [edge[0], edge[1], -Infinity]);
});

Deno.test("applyMinP() keeps exactly the tokens with p >= min_p * max p (float64 reference)", () => {
  fc.assert(
    fc.property(
      rowArb,
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      (logits, minP) => {
        const out = new Float32Array(logits.length);
        applyMinP(logits, out, minP);
        const p = softmax64(logits);
        const threshold = minP * Math.max(...p);
        for (let i = 0; i < logits.length; i++) {
          if (Math.abs(p[i]! - threshold) <= 1e-12 * Math.max(...p)) continue; // rounding tie
          assert.equal(out[i], p[i]! >= threshold ? logits[i] : -Infinity, `token ${i}`);
        }
      },
    ),
  );
});

Deno.test("applyMinP() rejects min_p outside [0, 1)", () => {
  const row = new Float32Array(2);
  for (const m of [1, -0.1, NaN]) {
    assert.throws(
      () => applyMinP(row, row, m),
      (e: unknown) =>
        e instanceof SamplingInputError && e.message.endsWith(`current value is ${m}`),
    );
  }
});
