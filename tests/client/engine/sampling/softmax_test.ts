import assert from "node:assert/strict";
import fc from "fast-check";
import {
  logSoftmaxInto,
  logSumExp,
  softmaxInto,
  tokenLogprob,
} from "../../../../client/engine/sampling/softmax.ts";
import { rowArb, softmax64 } from "./helpers.ts";

Deno.test("softmaxInto() matches a float64 softmax and sums to 1", () => {
  fc.assert(
    fc.property(rowArb, (logits) => {
      const out = softmaxInto(logits, new Float32Array(logits.length));
      const expected = softmax64(logits);
      let sum = 0;
      for (let i = 0; i < logits.length; i++) {
        assert.ok(Math.abs(out[i]! - expected[i]!) < 1e-6);
        sum += out[i]!;
      }
      assert.ok(Math.abs(sum - 1) < 1e-5);
    }),
  );
});

Deno.test("softmaxInto() is stable for large logits and gives masked tokens probability 0", () => {
  const row = Float32Array.of(1000, 1000 + Math.log(3), -Infinity);
  const out = softmaxInto(row, new Float32Array(3));
  assert.ok(out.every(Number.isFinite)); // a naive exp(1000) would give NaN
  const expected = softmax64(row); // of the float32 values, ≈ [0.25, 0.75, 0]
  assert.ok(Math.abs(out[0]! - expected[0]!) < 1e-7 && Math.abs(out[1]! - expected[1]!) < 1e-7);
  assert.ok(Math.abs(out[1]! - 0.75) < 1e-4);
  assert.equal(out[2], 0);
  assert.deepEqual(
    Array.from(softmaxInto(Float32Array.of(-Infinity, -Infinity), new Float32Array(2))),
    [
      0,
      0,
    ],
  );
});

Deno.test("logSoftmaxInto() and tokenLogprob() equal log(softmax)", () => {
  fc.assert(
    fc.property(rowArb, fc.nat(), (logits, rawId) => {
      const id = rawId % logits.length;
      const logp = logSoftmaxInto(logits, new Float32Array(logits.length));
      const expected = softmax64(logits).map(Math.log);
      for (let i = 0; i < logits.length; i++) {
        assert.ok(Math.abs(logp[i]! - expected[i]!) < 1e-4 * Math.max(1, Math.abs(expected[i]!)));
      }
      const lse = logSumExp(logits);
      assert.ok(
        Math.abs(tokenLogprob(logits, id, lse) - expected[id]!) <
          1e-9 * Math.max(1, -expected[id]!),
      );
      assert.equal(tokenLogprob(logits, id), tokenLogprob(logits, id, lse));
    }),
  );
  assert.equal(tokenLogprob(Float32Array.of(0, -Infinity), 1), -Infinity);
  // Self-RAG style: p[Relevant] / (p[Relevant] + p[Irrelevant]) from two log-probs.
  const row = Float32Array.of(Math.log(2), 0, 5);
  const lse = logSumExp(row);
  const rel = Math.exp(tokenLogprob(row, 0, lse)), irr = Math.exp(tokenLogprob(row, 1, lse));
  assert.ok(Math.abs(rel / (rel + irr) - 2 / 3) < 1e-7);
});
