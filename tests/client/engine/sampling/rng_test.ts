import assert from "node:assert/strict";
import fc from "fast-check";
import { createRng, forkRng, Sfc32Rng } from "../../../../client/engine/sampling/rng.ts";
import { SamplingInputError } from "../../../../client/engine/sampling/errors.ts";
import { chiSquare } from "./helpers.ts";

/** An independent sfc32 written from the reference (closure form), to cross-check ours. */
function referenceSfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

function draws(rng: { next(): number }, n: number): number[] {
  return Array.from({ length: n }, () => rng.next());
}

Deno.test("Sfc32Rng matches an independent sfc32 implementation word for word", () => {
  const state = [0x9e3779b9, 0x243f6a88, 0xb7e15162, 1];
  const ours = new Sfc32Rng(state);
  const reference = referenceSfc32(state[0]!, state[1]!, state[2]!, state[3]!);
  for (let i = 0; i < 1000; i++) assert.equal(ours.next(), reference());
});

Deno.test("createRng() reproduces the same sequence for the same seed and stream", () => {
  fc.assert(
    fc.property(fc.integer(), fc.nat(1000), (seed, stream) => {
      assert.deepEqual(draws(createRng(seed, stream), 64), draws(createRng(seed, stream), 64));
    }),
  );
});

Deno.test("createRng() gives different sequences for different seeds and for different streams", () => {
  fc.assert(
    fc.property(fc.integer(), fc.integer(), (a, b) => {
      fc.pre(a !== b);
      assert.notDeepEqual(draws(createRng(a), 8), draws(createRng(b), 8));
      assert.notDeepEqual(draws(createRng(a, 0), 8), draws(createRng(a, 1), 8));
    }),
  );
  // Seeds that differ only above bit 32 are distinct too.
  assert.notDeepEqual(draws(createRng(1), 8), draws(createRng(1 + 2 ** 32), 8));
  assert.notDeepEqual(draws(createRng(-1), 8), draws(createRng(2 ** 32 - 1), 8));
});

Deno.test("next() stays in [0, 1) and its 10 buckets are uniform (chi-square, 100k draws)", () => {
  const rng = createRng(2024);
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 100_000; i++) {
    const u = rng.next();
    assert.ok(u >= 0 && u < 1, `draw ${u} is outside [0, 1)`);
    counts[Math.floor(u * 10)]!++;
  }
  // 27.877 is the 0.999 quantile of chi-square with 9 degrees of freedom.
  assert.ok(chiSquare(counts, new Array(10).fill(0.1)) < 27.877);
});

Deno.test("consecutive seeds give uncorrelated first draws", () => {
  const first = Array.from({ length: 2000 }, (_, seed) => createRng(seed).next());
  const second = Array.from({ length: 2000 }, (_, seed) => createRng(seed + 1).next());
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const mx = mean(first), my = mean(second);
  let cov = 0, vx = 0, vy = 0;
  for (let i = 0; i < first.length; i++) {
    cov += (first[i]! - mx) * (second[i]! - my);
    vx += (first[i]! - mx) ** 2;
    vy += (second[i]! - my) ** 2;
  }
  const correlation = cov / Math.sqrt(vx * vy);
  // Under independence the sample correlation has sd 1/sqrt(2000) ≈ 0.022; 0.1 is 4.5 sd.
  assert.ok(Math.abs(correlation) < 0.1, `correlation ${correlation}`);
  assert.equal(new Set(first).size, first.length);
});

Deno.test("forkRng() is deterministic, does not advance the parent, and streams differ", () => {
  const parent = createRng(5);
  const before = parent.snapshot();
  const a = draws(forkRng(parent, 0), 16);
  assert.deepEqual(parent.snapshot(), before);
  assert.deepEqual(draws(forkRng(parent, 0), 16), a);
  assert.notDeepEqual(draws(forkRng(parent, 1), 16), a);
  // A fork differs from its parent's own continuation.
  assert.notDeepEqual(draws(parent, 16), a);
});

Deno.test("createRng() rejects a seed that is not a safe integer", () => {
  for (const seed of [1.5, NaN, Infinity, 2 ** 60]) {
    assert.throws(
      () => createRng(seed),
      (e: unknown) =>
        e instanceof SamplingInputError && e.name === "SamplingInputError" &&
        e.message.includes("'seed' must be a safe integer") &&
        e.message.includes(`current value is ${seed}`),
    );
  }
  assert.throws(() => createRng(1, 0.5), SamplingInputError);
});
