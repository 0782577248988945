import assert from "node:assert/strict";
import fc from "fast-check";
import { Sampler } from "../../../../client/engine/sampling/sampler.ts";
import { parseSamplingParams } from "../../../../client/engine/sampling/params.ts";
import { createRng, type Rng } from "../../../../client/engine/sampling/rng.ts";
import { CHI_SQUARE_999, chiSquare, softmax64 } from "./helpers.ts";

/** Draws per goodness-of-fit test. */
const DRAWS = 20_000;
/** Seeds each sampler is tried with: a correct sampler must pass on all, a wrong one fail on all. */
const SEEDS = [1, 2, 3, 4, 5];
const LOGITS = Float32Array.of(2.0, 1.5, 1.0, 0.5, 0.0, -0.5, -1.0, 0.3, 0.8, -0.2);

type Draw = (rng: Rng) => number;

/**
 * The goodness-of-fit test: draws DRAWS tokens and compares the counts with `expected` by
 * Pearson's chi-square over the cells with positive probability, at the 0.1% level. Tokens with
 * zero expected probability must never be drawn.
 */
function fitsDistribution(
  draw: Draw,
  expected: number[],
  seed: number,
): { ok: boolean; statistic: number } {
  const rng = createRng(seed);
  const counts = new Array<number>(expected.length).fill(0);
  for (let i = 0; i < DRAWS; i++) counts[draw(rng)]!++;
  const cells = expected.flatMap((p, i) => (p > 0 ? [i] : []));
  if (counts.some((c, i) => c > 0 && expected[i] === 0)) return { ok: false, statistic: Infinity };
  const statistic = chiSquare(cells.map((i) => counts[i]!), cells.map((i) => expected[i]!));
  return { ok: statistic < CHI_SQUARE_999[cells.length - 1]!, statistic };
}

function samplerDraw(logits: Float32Array, params: unknown): Draw {
  const sampler = new Sampler({ vocabSize: logits.length, params: parseSamplingParams(params) });
  return (rng) => sampler.sample(logits, rng);
}

/** A categorical draw from explicit probabilities (used to build the wrong samplers). */
function drawFrom(probs: number[]): Draw {
  return (rng) => {
    const u = rng.next();
    let cumulative = 0;
    for (let i = 0; i < probs.length; i++) {
      cumulative += probs[i]!;
      if (u < cumulative) return i;
    }
    return probs.length - 1;
  };
}

Deno.test("the categorical sampler's empirical distribution matches softmax (chi-square, 20k draws)", () => {
  const expected = softmax64(LOGITS);
  for (const seed of SEEDS) {
    const result = fitsDistribution(samplerDraw(LOGITS, {}), expected, seed);
    assert.ok(result.ok, `seed ${seed}: chi-square ${result.statistic}`);
  }
});

Deno.test("negative control: the same chi-square test rejects wrong distributions", () => {
  const expected = softmax64(LOGITS);
  const swapped = expected.slice();
  [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
  const wrong: [string, Draw][] = [
    ["temperature 1.1 instead of 1", drawFrom(softmax64(Array.from(LOGITS, (l) => l / 1.1)))],
    ["two token probabilities swapped", drawFrom(swapped)],
    ["uniform", (rng) => Math.floor(rng.next() * LOGITS.length)],
    // The real sampler at the wrong temperature, to show the test sees through the pipeline.
    ["the sampler at temperature 0.9", samplerDraw(LOGITS, { temperature: 0.9 })],
  ];
  for (const [name, draw] of wrong) {
    for (const seed of SEEDS) {
      const result = fitsDistribution(draw, expected, seed);
      assert.ok(!result.ok, `${name} passed with seed ${seed}: chi-square ${result.statistic}`);
    }
  }
});

Deno.test("temperature, top-k and top-p sample the renormalized truncated softmax", () => {
  // temperature 0.7 then top_k 4: softmax(logits / 0.7) restricted to the 4 best tokens.
  const tempered = softmax64(Array.from(LOGITS, (l) => l / 0.7));
  const best4 = Array.from(LOGITS).map((l, i) => [l, i] as const).sort((a, b) => b[0] - a[0]).slice(
    0,
    4,
  )
    .map(([, i]) => i);
  const topKMass = best4.reduce((s, i) => s + tempered[i]!, 0);
  const topKExpected = tempered.map((p, i) => (best4.includes(i) ? p / topKMass : 0));
  // top_p 0.8 at temperature 1: the probabilities sorted are 0.327, 0.198, 0.120, 0.098, 0.073,
  // ...; their running sums first reach 0.8 at the 5th token (0.817).
  const probs = softmax64(LOGITS);
  const order = probs.map((p, i) => [p, i] as const).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
  const nucleus = order.slice(0, 5);
  const nucleusMass = nucleus.reduce((s, i) => s + probs[i]!, 0);
  assert.ok(nucleusMass >= 0.8 && nucleusMass - probs[order[4]!]! < 0.8);
  const topPExpected = probs.map((p, i) => (nucleus.includes(i) ? p / nucleusMass : 0));
  for (const seed of SEEDS) {
    const k = fitsDistribution(
      samplerDraw(LOGITS, { temperature: 0.7, top_k: 4 }),
      topKExpected,
      seed,
    );
    assert.ok(k.ok, `top_k, seed ${seed}: chi-square ${k.statistic}`);
    const p = fitsDistribution(samplerDraw(LOGITS, { top_p: 0.8 }), topPExpected, seed);
    assert.ok(p.ok, `top_p, seed ${seed}: chi-square ${p.statistic}`);
    // The untruncated softmax is rejected for the truncated sampler.
    const full = fitsDistribution(samplerDraw(LOGITS, { top_p: 0.8 }), probs, seed);
    assert.ok(!full.ok, `top_p passed as full softmax, seed ${seed}`);
  }
});

Deno.test("the sampler matches softmax on random distributions (chi-square, fixed property seed)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -1.5, max: 1.5, noNaN: true }), { minLength: 10, maxLength: 10 }),
      fc.integer(),
      (values, seed) => {
        const logits = Float32Array.from(values);
        const result = fitsDistribution(samplerDraw(logits, {}), softmax64(logits), seed);
        assert.ok(result.ok, `chi-square ${result.statistic}`);
      },
    ),
    // Fixed so the suite is deterministic: each run is a 0.1%-level test, 10 runs.
    { seed: 20240607, numRuns: 10 },
  );
});
