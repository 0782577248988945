import assert from "node:assert/strict";
import fc from "fast-check";
import { CALIBRATION_EVERY, CostModel } from "../../../../client/engine/speculative/cost_model.ts";
import {
  AcceptanceEstimate,
  createGammaSchedule,
  expectedSpeedup,
  HEURISTIC_START,
  optimalGamma,
  PROBE_FIRST,
} from "../../../../client/engine/speculative/gamma.ts";
import { resolveSpeculative } from "../../../../client/engine/speculative/options.ts";

Deno.test("expectedSpeedup() follows (1 - a^(g+1)) / ((1 - a)(g c + 1)), with the a = 1 limit", () => {
  assert.ok(Math.abs(expectedSpeedup(0.8, 4, 0.1) - (1 - 0.8 ** 5) / (0.2 * 1.4)) < 1e-12);
  assert.equal(expectedSpeedup(1, 4, 0.25), 5 / 2);
  assert.equal(expectedSpeedup(0.5, 0, 0.3), 1);
  // A verify pass costing r steps divides the gain.
  assert.ok(Math.abs(expectedSpeedup(0.8, 4, 0.1, 2) - (1 - 0.8 ** 5) / (0.2 * 2.4)) < 1e-12);
});

Deno.test("optimalGamma() is the brute-force argmax and is 0 exactly when alpha <= c", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0.001, max: 2, noNaN: true }),
      fc.integer({ min: 1, max: 16 }),
      (alpha, c, maxGamma) => {
        const g = optimalGamma(alpha, c, maxGamma);
        const values = Array.from({ length: maxGamma + 1 }, (_, k) => expectedSpeedup(alpha, k, c));
        const best = Math.max(...values);
        if (values[g]! < best * (1 - 1e-9)) return false;
        if (alpha <= c) return g === 0;
        return g >= 1;
      },
    ),
  );
});

Deno.test("optimalGamma() picks a large gamma for a good cheap draft and 0 when the verify pass grows with its width", () => {
  assert.equal(optimalGamma(0.99, 0.05, 8), 8);
  assert.ok(optimalGamma(0.8, 0.1, 16) >= 3);
  // wasm-like costs: verifying w tokens costs w target steps, so nothing can pay.
  assert.equal(optimalGamma(0.9, 0.1, 8, (w) => w), 0);
});

Deno.test("AcceptanceEstimate converges to the per-proposal acceptance rate from a prior of 0.6", () => {
  const est = new AcceptanceEstimate();
  assert.ok(Math.abs(est.alpha - 0.6) < 1e-12);
  // Rounds of gamma 4 accepting 3 then rejecting: 3 of 4 examined proposals pass.
  for (let i = 0; i < 100; i++) est.observe(4, 3);
  assert.ok(Math.abs(est.alpha - 0.75) < 0.02, `alpha ${est.alpha}`);
  for (let i = 0; i < 100; i++) est.observe(4, 0);
  assert.ok(est.alpha < 0.05, `alpha ${est.alpha}`);
  const before = est.alpha;
  est.observe(0, 0);
  assert.equal(est.alpha, before, "a round without proposals changes nothing");
});

Deno.test("CostModel measures c against the 1-token target step, asks for calibration, and interpolates r", () => {
  const cost = new CostModel();
  assert.equal(cost.calibrationDue, true);
  assert.equal(cost.c, 0.5, "prior");
  cost.observe(1, 10, 0, 0);
  assert.equal(cost.calibrationDue, false);
  for (let i = 0; i < 5; i++) cost.observe(5, 30, 4, 8); // draft steps of 2 ms, width-5 pass 30 ms
  cost.observe(5, 900, 4, 4000); // one spike: the medians ignore it
  assert.equal(cost.c, 0.2);
  assert.equal(cost.verifyCost(1), 1);
  assert.equal(cost.verifyCost(5), 3);
  assert.equal(cost.verifyCost(3), 2, "linear between width 1 and the nearest measured width");
  for (let i = 0; i < CALIBRATION_EVERY; i++) cost.observe(5, 30, 4, 8);
  assert.equal(cost.calibrationDue, true, "the 1-token step is re-measured now and then");
  cost.deferCalibration();
  assert.equal(cost.calibrationDue, false);
});

Deno.test("the heuristic schedule adds 2 after a fully accepted round, else subtracts 1, within [1, max_gamma]", () => {
  const s = createGammaSchedule(
    resolveSpeculative({ schedule: "heuristic", max_gamma: 7 }),
  );
  const cost = new CostModel();
  const seen: number[] = [];
  for (const allAccepted of [true, true, false, false, false, false, false, false, true]) {
    const g = s.next(cost);
    seen.push(g);
    s.observe(g, allAccepted ? g : 0);
  }
  assert.equal(seen[0], HEURISTIC_START);
  assert.deepEqual(seen, [4, 6, 7, 6, 5, 4, 3, 2, 1]);
  assert.equal(s.next(cost), 3);
});

Deno.test("a fixed gamma schedule always proposes that gamma", () => {
  const s = createGammaSchedule(resolveSpeculative({ gamma: 3 }));
  const cost = new CostModel();
  for (let i = 0; i < 5; i++) {
    assert.equal(s.next(cost), 3);
    s.observe(3, 0);
  }
});

Deno.test("the optimal schedule calibrates first, stops when alpha falls below c, then probes with gamma 1 at doubling intervals", () => {
  const s = createGammaSchedule(resolveSpeculative({ max_gamma: 8 }));
  const cost = new CostModel();
  assert.equal(s.next(cost), 0, "calibration round");
  s.observe(0, 0);
  cost.observe(1, 10, 0, 0);
  for (let i = 0; i < 3; i++) cost.observe(3, 12, 2, 6); // c = 0.3
  const first = s.next(cost);
  assert.ok(first >= 1, `starts speculating on the prior: ${first}`);
  const gammas: number[] = [];
  let g = first;
  for (let round = 0; round < 60; round++) {
    s.observe(g, 0); // the draft never agrees
    cost.observe(1 + g, 10 + g, g, 3 * g);
    g = s.next(cost);
    gammas.push(g);
  }
  const probes = gammas.flatMap((x, i) => (x > 0 ? [i] : []));
  const off = gammas.indexOf(0);
  assert.ok(off >= 0 && off < 5, `turned off after a few rounds: ${gammas}`);
  const later = probes.filter((i) => i > off);
  assert.ok(later.length >= 2, `probes ${later}`);
  assert.equal(later[0]! - off, PROBE_FIRST, `first probe after ${PROBE_FIRST} idle rounds`);
  assert.ok(later.every((x) => gammas[x] === 1), "probes propose one token");
  assert.ok(later[1]! - later[0]! > later[0]! - off, "the wait grows");
});
