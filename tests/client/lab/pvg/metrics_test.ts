import assert from "node:assert/strict";
import {
  exactGameSamples,
  gameMetrics,
  type GameSample,
  verifierBalancedAccuracy,
} from "../../../../client/lab/pvg/metrics.ts";
import {
  correctnessTable,
  correctSolution,
  makePvgTask,
} from "../../../../client/lab/pvg/pvg_task.ts";

Deno.test("completeness, soundness and sneaky success follow from known samples", () => {
  const s = (
    role: GameSample["role"],
    correct: boolean,
    score: number,
    flaw: GameSample["flaw"] = "none",
  ): GameSample => ({ role, correct, score, weight: 1, flaw });
  const samples = [
    // helpful: 4 correct (3 accepted), 1 incorrect
    s("helpful", true, 2),
    s("helpful", true, 0.5),
    s("helpful", true, 1),
    s("helpful", true, -1),
    s("helpful", false, 3, "slip"),
    // sneaky: 1 correct, 4 incorrect (1 accepted: 2 misread, 1 slip, 1 both)
    s("sneaky", true, 1),
    s("sneaky", false, 0.2, "misread"),
    s("sneaky", false, -0.2, "misread"),
    s("sneaky", false, -3, "slip"),
    s("sneaky", false, 0, "both"), // score 0 is not above the threshold: rejected
  ];
  const m = gameMetrics(samples);
  assert.equal(m.completeness, 3 / 4);
  assert.equal(m.soundness, 3 / 4);
  assert.equal(m.helpful_accuracy, 4 / 5);
  assert.equal(m.sneaky_accuracy, 1 / 5);
  assert.equal(m.sneaky_success, 1 / 5);
  assert.equal(m.sneaky_misread, 2 / 4);
  assert.equal(m.sneaky_slip, 1 / 4);
});

Deno.test("metrics weigh samples by their mass and honour the threshold", () => {
  const m = gameMetrics([
    { role: "helpful", correct: true, score: 1, weight: 0.75 },
    { role: "helpful", correct: true, score: 0.4, weight: 0.25 },
    { role: "sneaky", correct: false, score: 0.4, weight: 0.5 },
    { role: "sneaky", correct: false, score: 1, weight: 0.5 },
  ], 0.5);
  assert.equal(m.completeness, 0.75);
  assert.equal(m.soundness, 0.5);
  assert.equal(m.sneaky_success, 0.5);
});

Deno.test("exact samples of deterministic provers give the verifier's figures exactly", () => {
  const t = makePvgTask(3);
  const correct = correctnessTable(t);
  const helpful = new Float64Array(t.problems * t.solutionsPadded);
  const sneaky = new Float64Array(t.problems * t.solutionsPadded);
  const scores = new Float64Array(t.problems * t.solutions);
  for (let x = 0; x < t.problems; x++) {
    const right = correctSolution(t, x);
    helpful[x * t.solutionsPadded + right] = 1;
    // Sneaky: the same intermediate, final value off by one (a slip), always incorrect.
    const wrong = right - (right % t.p) + ((right % t.p) + 1) % t.p;
    sneaky[x * t.solutionsPadded + wrong] = 1;
    // Verifier: accepts the correct solution on even problems only; fooled on problems < 9.
    scores[x * t.solutions + right] = x % 2 === 0 ? 1 : -1;
    scores[x * t.solutions + wrong] = x < 9 ? 1 : -1;
  }
  const m = gameMetrics(exactGameSamples(t, { helpful, sneaky }, scores, correct));
  assert.equal(m.helpful_accuracy, 1);
  assert.equal(m.sneaky_accuracy, 0);
  assert.ok(Math.abs(m.completeness - 14 / 27) < 1e-12, String(m.completeness));
  assert.ok(Math.abs(m.soundness - 18 / 27) < 1e-12, String(m.soundness));
  assert.ok(Math.abs(m.sneaky_success - 9 / 27) < 1e-12);
  assert.equal(m.sneaky_slip, 1);
});

Deno.test("balanced accuracy averages the acceptance of correct and rejection of incorrect", () => {
  const scores = Float64Array.from([1, -1, 1, 1, -1, -1]);
  const correct = Uint8Array.from([1, 1, 0, 0, 0, 0]);
  assert.equal(verifierBalancedAccuracy(scores, correct), (1 / 2 + 2 / 4) / 2);
});
