import assert from "node:assert/strict";
import {
  allVerifierFeatures,
  baseTargets,
  correctnessTable,
  correctSolution,
  flawOf,
  isCorrect,
  makePvgTask,
  problemOf,
  proverFeatures,
  solutionOf,
} from "../../../../client/lab/pvg/pvg_task.ts";

Deno.test("the task of p = 5 has 125 problems, 25 solutions and 16-padded widths", () => {
  const t = makePvgTask(5);
  assert.deepEqual(
    [t.problems, t.solutions, t.solutionsPadded, t.proverDim, t.verifierDim],
    [125, 25, 32, 16, 32],
  );
});

Deno.test("the correct solution of (3, 4, 2) mod 5 is s1 = 2, s2 = 4", () => {
  const t = makePvgTask(5);
  const x = (3 * 5 + 4) * 5 + 2;
  assert.deepEqual(problemOf(t, x), [3, 4, 2]);
  assert.deepEqual(solutionOf(t, correctSolution(t, x)), [2, 4]);
  assert.equal(isCorrect(t, x, 2 * 5 + 4), true);
  // Only the final value counts: a wrong intermediate with the right answer is correct.
  assert.equal(isCorrect(t, x, 0 * 5 + 4), true);
  assert.equal(flawOf(t, x, 2 * 5 + 3), "slip"); // s1 right, s2 wrong
  assert.equal(flawOf(t, x, 1 * 5 + 2), "misread"); // s1 = 1 wrong, s2 = 1 * 2 consistent
  assert.equal(flawOf(t, x, 1 * 5 + 3), "both");
});

Deno.test("every problem has exactly p correct solutions (one per intermediate value)", () => {
  const t = makePvgTask(5);
  const table = correctnessTable(t);
  for (let x = 0; x < t.problems; x++) {
    const row = table.slice(x * t.solutions, (x + 1) * t.solutions);
    assert.equal(row.reduce((a, b) => a + b, 0), t.p);
  }
});

Deno.test("base targets are distributions with the requested mass on the correct solution", () => {
  const t = makePvgTask(5);
  const targets = baseTargets(t, 0.3);
  for (let x = 0; x < t.problems; x++) {
    const row = targets.slice(x * t.solutionsPadded, (x + 1) * t.solutionsPadded);
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-12, `row ${x}`);
    assert.equal(row[correctSolution(t, x)], 0.3);
    for (let z = t.solutions; z < t.solutionsPadded; z++) assert.equal(row[z], 0);
  }
});

Deno.test("features are one-hot: 3 ones per prover row, 5 per verifier row", () => {
  const t = makePvgTask(5);
  const px = proverFeatures(t);
  const vx = allVerifierFeatures(t);
  const rowSum = (a: Float64Array, width: number, r: number) =>
    a.slice(r * width, (r + 1) * width).reduce((s, v) => s + v, 0);
  assert.equal(rowSum(px, t.proverDim, 77), 3);
  assert.equal(rowSum(vx, t.verifierDim, 1234), 5);
  const x = 77;
  const [a, b, c] = problemOf(t, x);
  assert.equal(px[x * t.proverDim + a], 1);
  assert.equal(px[x * t.proverDim + 5 + b], 1);
  assert.equal(px[x * t.proverDim + 10 + c], 1);
});
