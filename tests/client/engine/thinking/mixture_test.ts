import assert from "node:assert/strict";
import {
  entropyOf,
  mixLogits,
  planStep,
  sampleThoughtToken,
} from "../../../../client/engine/thinking/mixture.ts";
import type { ThinkingOptions } from "../../../../client/engine/thinking/options.ts";
import { createRng } from "../../../../client/engine/sampling/rng.ts";

const base: ThinkingOptions = {
  k: 1,
  t: 1,
  w: { kind: "fixed", value: 0.5 },
  onlyAboveEntropy: undefined,
  trace: false,
  startId: 0,
  endId: 1,
};

Deno.test("entropyOf gives ln V for uniform logits and 0 for a one-hot", () => {
  assert.ok(Math.abs(entropyOf(new Float32Array(8).fill(3)) - Math.log(8)) < 1e-12);
  assert.equal(entropyOf(Float32Array.from([0, -Infinity, -Infinity])), 0);
});

Deno.test("mixLogits computes (1 - w) base + w mean(posts) and leaves base bit-exact at w = 0", () => {
  const b = Float32Array.from([1, 2, -Infinity]);
  mixLogits(b, [Float32Array.from([3, 0, 1]), Float32Array.from([5, 4, 1])], 0.25);
  assert.deepEqual([...b], [0.75 * 1 + 0.25 * 4, 0.75 * 2 + 0.25 * 2, -Infinity]);
  const exact = Float32Array.from([0.1, -Infinity, 7]);
  mixLogits(exact, [Float32Array.from([-Infinity, 2, NaN])], 0);
  assert.deepEqual([...exact], [...Float32Array.from([0.1, -Infinity, 7])]);
});

Deno.test("planStep: fixed w always thinks, only_above_entropy and the entropy gate skip", () => {
  assert.deepEqual(planStep(base, 0.1, 16), { think: true, w: 0.5 });
  assert.deepEqual(planStep({ ...base, w: { kind: "fixed", value: 0 } }, 2, 16), {
    think: true,
    w: 0,
  });
  assert.deepEqual(planStep({ ...base, onlyAboveEntropy: 1 }, 1, 16), { think: false, w: 0 });
  const gate: ThinkingOptions = { ...base, w: { kind: "entropy", threshold: 1, maxW: 0.8 } };
  assert.deepEqual(planStep(gate, 0.5, 16), { think: false, w: 0 });
  const mid = 1 + (Math.log(16) - 1) / 2;
  const p = planStep(gate, mid, 16);
  assert.equal(p.think, true);
  assert.ok(Math.abs(p.w - 0.4) < 1e-12);
  assert.ok(Math.abs(planStep(gate, 10, 16).w - 0.8) < 1e-12);
});

Deno.test("sampleThoughtToken follows softmax at temperature 1 and never draws a banned id", () => {
  const logits = Float32Array.from([Math.log(1), Math.log(3), 50, Math.log(4)]);
  const rng = createRng(5);
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < 8000; i++) counts[sampleThoughtToken(logits, rng, [2])]!++;
  assert.equal(counts[2], 0);
  assert.ok(Math.abs(counts[1]! / 8000 - 3 / 8) < 0.02, `${counts}`);
  assert.ok(Math.abs(counts[3]! / 8000 - 4 / 8) < 0.02, `${counts}`);
});
