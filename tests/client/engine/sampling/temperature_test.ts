import assert from "node:assert/strict";
import fc from "fast-check";
import { applyTemperature } from "../../../../client/engine/sampling/temperature.ts";
import { softmaxInto } from "../../../../client/engine/sampling/softmax.ts";
import { SamplingInputError } from "../../../../client/engine/sampling/errors.ts";
import { rowArb, softmax64 } from "./helpers.ts";

Deno.test("applyTemperature() writes (logit - max) / temperature", () => {
  const out = new Float32Array(3);
  applyTemperature(Float32Array.of(1, 3, -Infinity), out, 0.5);
  assert.deepEqual(Array.from(out), [-4, 0, -Infinity]);
});

Deno.test("applyTemperature() gives the probabilities of softmax(logits / temperature)", () => {
  fc.assert(
    fc.property(rowArb, fc.double({ min: 0.05, max: 2, noNaN: true }), (logits, t) => {
      const out = new Float32Array(logits.length);
      softmaxInto(applyTemperature(logits, out, t), out);
      const expected = softmax64(Array.from(logits, (l) => l / t));
      for (let i = 0; i < logits.length; i++) {
        assert.ok(
          Math.abs(out[i]! - expected[i]!) < 1e-5,
          `token ${i}: ${out[i]} vs ${expected[i]}`,
        );
      }
    }),
  );
});

Deno.test("applyTemperature() with a tiny temperature never overflows to +Infinity or NaN", () => {
  const logits = Float32Array.of(30, 29.999998, -5);
  const out = new Float32Array(3);
  applyTemperature(logits, out, 1e-30);
  assert.equal(out[0], 0);
  // (logits / 1e-30 would be +Infinity for both top tokens, making softmax NaN.)
  assert.ok(out[1]! < -1e20, `runner-up ${out[1]}`); // the float32 gap / 1e-30
  assert.ok(out[2]! < out[1]!);
  softmaxInto(out, out);
  assert.deepEqual(Array.from(out), [1, 0, 0]);
});

Deno.test("applyTemperature() rejects a temperature that is not > 0", () => {
  const row = new Float32Array(2);
  for (const t of [0, -1, NaN, Infinity]) {
    assert.throws(
      () => applyTemperature(row, row, t),
      (e: unknown) =>
        e instanceof SamplingInputError && e.message.endsWith(`current value is ${t}`),
    );
  }
});
