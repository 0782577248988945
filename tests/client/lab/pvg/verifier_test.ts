import assert from "node:assert/strict";
import { fromHost } from "../../../../client/lab/device.ts";
import { sampleMixture, sampleSolution } from "../../../../client/lab/pvg/mixture.ts";
import {
  allVerifierFeatures,
  baseTargets,
  correctnessTable,
  correctSolution,
  makePvgTask,
} from "../../../../client/lab/pvg/pvg_task.ts";
import { buildPairs, trainVerifier } from "../../../../client/lab/pvg/verifier.ts";
import { createRng } from "../../../../client/lab/rng.ts";
import { labTest, wasm } from "../lab_fixtures.ts";

const task = makePvgTask(3);
const correct = correctnessTable(task);

Deno.test("sampled solution frequencies follow the policy's probabilities", () => {
  const dist = new Float64Array(task.problems * task.solutionsPadded);
  dist[0] = 0.2;
  dist[4] = 0.5;
  dist[8] = 0.3;
  const rng = createRng(1);
  const counts = new Map<number, number>();
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const z = sampleSolution(task, dist, 0, rng);
    counts.set(z, (counts.get(z) ?? 0) + 1);
  }
  assert.deepEqual([...counts.keys()].sort((a, b) => a - b), [0, 4, 8]);
  for (const [z, p] of [[0, 0.2], [4, 0.5], [8, 0.3]] as const) {
    assert.ok(Math.abs(counts.get(z)! / n - p) < 0.015, `z = ${z}: ${counts.get(z)! / n}`);
  }
});

Deno.test("the mixture gives each group an equal share whatever its size", () => {
  const only = (z: number) => {
    const d = new Float64Array(task.problems * task.solutionsPadded);
    for (let x = 0; x < task.problems; x++) d[x * task.solutionsPadded + z] = 1;
    return d;
  };
  const rng = createRng(2);
  let first = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    if (sampleMixture(task, [[only(0)], [only(1), only(2)]], 5, rng) === 0) first++;
  }
  assert.ok(Math.abs(first / n - 0.5) < 0.015, `${first / n}`);
});

Deno.test("verifier pairs are balanced: each pairs a correct with an incorrect solution", () => {
  const pairs = buildPairs(task, [[baseTargets(task, 0.5)]], correct, 8, createRng(3));
  assert.ok(pairs.count > task.problems);
  const d = task.verifierDim;
  for (let i = 0; i < pairs.count; i++) {
    const decode = (a: Float64Array) => {
      const ones = [];
      for (let j = 0; j < d; j++) if (a[i * d + j] === 1) ones.push(j % task.p);
      return ones; // [a, b, c, s1, s2]
    };
    const [pa, pb, pc, ps1, ps2] = decode(pairs.pos);
    const [na, nb, nc, , ns2] = decode(pairs.neg);
    assert.deepEqual([pa, pb, pc], [na, nb, nc]);
    const x = (pa! * task.p + pb!) * task.p + pc!;
    assert.equal(correct[x * task.solutions + ps1! * task.p + ps2!], 1);
    assert.notEqual(ns2, correctSolution(task, x) % task.p);
  }
});

Deno.test(
  "a verifier trained on base-prover pairs ranks correct above incorrect",
  labTest,
  async () => {
    await wasm();
    const rng = createRng(4);
    const pairs = buildPairs(task, [[baseTargets(task, 0.5)]], correct, 8, rng);
    const allV = fromHost(allVerifierFeatures(task), [
      task.problems * task.solutions,
      task.verifierDim,
    ], "float32");
    const v = await trainVerifier(task, pairs, allV, {
      hidden: 32,
      lr: 1e-2,
      steps: 200,
      batchSize: 64,
      scorePenalty: 0.01,
      dtype: "float32",
    }, rng);
    assert.equal(v.scores.length, task.problems * task.solutions);
    assert.ok(v.finalLoss < 0.3, `final loss ${v.finalLoss}`);
    // Every problem's correct solution (the one the base prover favours) scores above 0.
    let accepted = 0;
    for (let x = 0; x < task.problems; x++) {
      if (v.scores[x * task.solutions + correctSolution(task, x)]! > 0) accepted++;
    }
    assert.ok(accepted >= 0.9 * task.problems, `${accepted} / ${task.problems} accepted`);
  },
);
