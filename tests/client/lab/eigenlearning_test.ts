import assert from "node:assert/strict";
import { predictTestError, solveKappa } from "../../../client/lab/ntk/eigenlearning.ts";
import { fitPowerLaw, meanStd } from "../../../client/lab/fit.ts";

Deno.test("solveKappa satisfies sum lambda/(lambda + kappa) + ridge/kappa = n", () => {
  const eig = Array.from({ length: 200 }, (_, i) => (i + 1) ** -1.5);
  for (const [n, ridge] of [[10, 0], [50, 1e-3], [150, 0.1]] as const) {
    const k = solveKappa(eig, n, ridge);
    const lhs = eig.reduce((s, l) => s + l / (l + k), 0) + ridge / k;
    assert.ok(Math.abs(lhs - n) < 1e-8 * n, `n=${n}: ${lhs}`);
  }
});

Deno.test("predictTestError of one eigenmode with ridge r is (r/(lambda(n)+r))^2 n/(n - L^2) v^2 ... in closed form", () => {
  // One mode, lambda = 1, v = 1, n = 1, ridge = 1: kappa solves 1/(1 + k) + 1/k = 1 -> k = phi.
  const phi = (1 + Math.sqrt(5)) / 2;
  assert.ok(Math.abs(solveKappa([1], 1, 1) - phi) < 1e-10);
  const l = 1 / (1 + phi);
  const want = (1 / (1 - l * l)) * (1 - l) ** 2;
  assert.ok(Math.abs(predictTestError([1], [1], 1, 1) - want) < 1e-10);
});

Deno.test("predictTestError falls as a power law n^-(g-1) for a power-law target", () => {
  const eig = Array.from({ length: 4000 }, (_, i) => (i + 1) ** -2);
  const coeffs = eig.map((_, i) => (i + 1) ** -1); // v^2 ~ i^-2: g = 2
  const ns = [16, 32, 64, 128, 256];
  const fit = fitPowerLaw(ns, ns.map((n) => predictTestError(eig, coeffs, n, 0)));
  assert.ok(Math.abs(-fit.exponent - 1) < 0.1, `exponent ${fit.exponent}`);
});

Deno.test("fitPowerLaw recovers an exact power law and ignores non-positive points", () => {
  const fit = fitPowerLaw([1, 2, 4, 8, 0], [3, 1.5, 0.75, 0.375, 5]);
  assert.ok(Math.abs(fit.exponent + 1) < 1e-12);
  assert.ok(Math.abs(fit.prefactor - 3) < 1e-12);
  assert.equal(fit.points, 4);
  assert.deepEqual(meanStd([1, 3]), { mean: 2, std: Math.SQRT2 });
});
