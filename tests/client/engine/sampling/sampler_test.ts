import assert from "node:assert/strict";
import fc from "fast-check";
import {
  argmax,
  sampleFromLogits,
  sampleFromWeights,
  Sampler,
} from "../../../../client/engine/sampling/sampler.ts";
import { parseSamplingParams } from "../../../../client/engine/sampling/params.ts";
import { createRng } from "../../../../client/engine/sampling/rng.ts";
import { NoSamplableTokenError } from "../../../../client/engine/sampling/errors.ts";
import { argmax64, kthLargestBySort, rowArb, softmax64 } from "./helpers.ts";

const DRAWS = 200;

function samplerFor(vocabSize: number, params: unknown, bannedTokenIds?: number[]): Sampler {
  return new Sampler({
    vocabSize,
    params: parseSamplingParams(params),
    ...(bannedTokenIds === undefined ? {} : { bannedTokenIds }),
  });
}

function drawMany(sampler: Sampler, logits: Float32Array, seed: number, n = DRAWS): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => sampler.sample(logits, rng));
}

Deno.test("argmax() picks the largest logit, ties to the lowest id, never NaN", () => {
  assert.equal(argmax(Float32Array.of(1, 5, 5)), 1);
  assert.equal(argmax(Float32Array.of(NaN, -3, -Infinity)), 1);
  assert.throws(() => argmax(Float32Array.of(-Infinity, NaN)), NoSamplableTokenError);
});

Deno.test("sample() returns argmax when temperature is 0", () => {
  fc.assert(
    fc.property(rowArb, fc.integer(), (logits, seed) => {
      const sampler = samplerFor(logits.length, { temperature: 0, top_k: 1, top_p: 0.5 });
      assert.equal(sampler.sample(logits, createRng(seed)), argmax64(logits));
    }),
  );
});

Deno.test("sample() never draws outside the k best tokens", () => {
  fc.assert(
    fc.property(
      rowArb,
      fc.nat(),
      fc.double({ min: 0.1, max: 2, noNaN: true }),
      fc.integer(),
      (logits, rawK, temperature, seed) => {
        const k = 1 + (rawK % logits.length);
        const threshold = kthLargestBySort(logits, k);
        const sampler = samplerFor(logits.length, { top_k: k, temperature });
        for (const token of drawMany(sampler, logits, seed)) {
          assert.ok(logits[token]! >= threshold, `token ${token} is outside the top ${k}`);
        }
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("sample() never draws outside the top-p nucleus", () => {
  fc.assert(
    fc.property(
      rowArb,
      fc.double({ min: 0.01, max: 0.99, noNaN: true }),
      fc.integer(),
      (logits, p, seed) => {
        const sampler = samplerFor(logits.length, { top_p: p });
        // The sampler's distribution is its float32 weights exp(logit - max); tokens whose
        // weights are equal are equally likely, so they are ranked on those weights.
        const max = Math.max(...logits);
        const w = Array.from(logits, (l) => Math.fround(Math.exp(l - max)));
        const total = w.reduce((a, b) => a + b, 0);
        for (const token of drawMany(sampler, logits, seed)) {
          // In the nucleus: the tokens strictly more probable than it hold less than top_p.
          const above = w.reduce((s, q) => (q > w[token]! ? s + q : s), 0) / total;
          assert.ok(above < p * (1 + 1e-9), `token ${token}: mass above ${above} >= top_p ${p}`);
        }
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("sample() never draws a token below min_p times the top probability", () => {
  fc.assert(
    fc.property(
      rowArb,
      fc.double({ min: 0.01, max: 0.99, noNaN: true }),
      fc.integer(),
      (logits, minP, seed) => {
        const sampler = samplerFor(logits.length, { min_p: minP });
        const probs = softmax64(logits);
        const threshold = minP * Math.max(...probs);
        for (const token of drawMany(sampler, logits, seed)) {
          assert.ok(probs[token]! >= threshold * (1 - 1e-9), `token ${token} is below min_p`);
        }
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("sample() never draws a banned token, greedy or not", () => {
  fc.assert(
    fc.property(
      rowArb,
      fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
      fc.double({ min: 0, max: 2, noNaN: true }),
      fc.nat(10),
      fc.integer(),
      (logits, rawBanned, temperature, topK, seed) => {
        const banned = [...new Set(rawBanned.map((id) => id % logits.length))];
        fc.pre(banned.length < logits.length);
        const sampler = samplerFor(logits.length, { temperature, top_k: topK }, banned);
        for (const token of drawMany(sampler, logits, seed, 100)) {
          assert.ok(!banned.includes(token), `banned token ${token} was sampled`);
        }
      },
    ),
    { numRuns: 60 },
  );
});

Deno.test("sample() with a tiny temperature agrees with temperature 0 on the top token", () => {
  // Any row: at temperature 1e-300 every gap between two float32 logits scales past float32's
  // range, so only logits equal to the maximum can be drawn.
  fc.assert(
    fc.property(rowArb, fc.integer(), (logits, seed) => {
      const greedy = samplerFor(logits.length, { temperature: 0 }).sample(logits, createRng(seed));
      const tiny = samplerFor(logits.length, { temperature: 1e-300 });
      const best = logits[greedy]!;
      const unique = logits.filter((l) => l === best).length === 1;
      for (const token of drawMany(tiny, logits, seed, 20)) {
        assert.equal(logits[token], best); // a tied maximum may be drawn, never a lower logit
        if (unique) assert.equal(token, greedy);
      }
    }),
  );
  // A realistic small temperature on rows whose distinct logits are at least 1 apart.
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: -30, max: 30 }), { minLength: 2, maxLength: 40 }),
      fc.integer(),
      (values, seed) => {
        const logits = Float32Array.from(values);
        const greedy = samplerFor(logits.length, { temperature: 0 }).sample(
          logits,
          createRng(seed),
        );
        const tiny = samplerFor(logits.length, { temperature: 0.005 });
        assert.deepEqual(drawMany(tiny, logits, seed, 20), new Array(20).fill(greedy));
      },
    ),
  );
});

Deno.test("a seed reproduces the same token sequence and different seeds give different ones", () => {
  const logits = Float32Array.from({ length: 50 }, (_, i) => Math.sin(i));
  const sampler = samplerFor(50, { temperature: 1, top_p: 0.95 });
  fc.assert(
    fc.property(fc.integer(), fc.integer(), (a, b) => {
      fc.pre(a !== b);
      const first = drawMany(sampler, logits, a, 64);
      assert.deepEqual(drawMany(sampler, logits, a, 64), first);
      assert.notDeepEqual(drawMany(sampler, logits, b, 64), first);
    }),
  );
});

Deno.test("sample() leaves the caller's logits untouched", () => {
  const logits = Float32Array.of(1, 2, 3, 4);
  const copy = logits.slice();
  samplerFor(4, { temperature: 0.5, top_k: 2, top_p: 0.9, min_p: 0.1 }, [0]).sample(
    logits,
    createRng(1),
  );
  assert.deepEqual(logits, copy);
});

Deno.test("sampleFromWeights() never draws a zero weight and rejects an empty distribution", () => {
  const rng = createRng(3);
  const weights = Float32Array.of(0, 2, 0, 1, 0);
  for (let i = 0; i < 500; i++) assert.ok([1, 3].includes(sampleFromWeights(weights, rng)));
  assert.throws(() => sampleFromWeights(new Float32Array(3), rng), NoSamplableTokenError);
});

Deno.test("sampling throws NoSamplableTokenError when every token is banned", () => {
  for (const temperature of [0, 1]) {
    assert.throws(
      () => samplerFor(3, { temperature }, [0, 1, 2]).sample(new Float32Array(3), createRng(1)),
      (e: unknown) => e instanceof NoSamplableTokenError && e.name === "NoSamplableTokenError",
    );
  }
  assert.throws(
    () => sampleFromLogits(Float32Array.of(NaN, -Infinity), createRng(1), new Float32Array(2)),
    NoSamplableTokenError,
  );
});
