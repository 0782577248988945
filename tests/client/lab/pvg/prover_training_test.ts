import assert from "node:assert/strict";
import { fromHost, toHost } from "../../../../client/lab/device.ts";
import { Policy } from "../../../../client/lab/pvg/prover.ts";
import { reinforceBatch, reinforceStep } from "../../../../client/lab/pvg/prover_training.ts";
import {
  correctnessTable,
  correctSolution,
  makePvgTask,
  proverFeatures,
} from "../../../../client/lab/pvg/pvg_task.ts";
import { createRng } from "../../../../client/lab/rng.ts";
import { labTest, wasm } from "../lab_fixtures.ts";

const task = makePvgTask(3);
const correct = correctnessTable(task);
/** A perfect verifier: +1 on correct solutions, -1 on incorrect ones. */
const perfect = Float64Array.from(correct, (c) => (c ? 1 : -1));

Deno.test("a deterministic policy gets zero REINFORCE weights (all rewards in a group equal)", () => {
  const probs = new Float64Array(task.problems * task.solutionsPadded);
  for (let x = 0; x < task.problems; x++) {
    probs[x * task.solutionsPadded + correctSolution(task, x)] = 1;
  }
  const shape = { problemsPerStep: 10, samplesPerProblem: 4 };
  const b = reinforceBatch(task, probs, perfect, correct, "helpful", shape, createRng(1));
  assert.ok(b.weights.every((w) => w === 0));
  assert.equal(b.accuracy, 1);
  assert.equal(b.meanReward, -1); // V' = 0 everywhere: nothing is above average
});

Deno.test("REINFORCE weights push a helpful prover toward correct and a sneaky one away", () => {
  // Half the mass on the correct solution, half on one incorrect solution.
  const probs = new Float64Array(task.problems * task.solutionsPadded);
  const wrong: number[] = [];
  for (let x = 0; x < task.problems; x++) {
    const right = correctSolution(task, x);
    const bad = (right + 1) % task.solutions;
    wrong.push(bad);
    probs[x * task.solutionsPadded + right] = 0.5;
    probs[x * task.solutionsPadded + bad] = 0.5;
  }
  const shape = { problemsPerStep: task.problems, samplesPerProblem: 6 };
  const sum = (role: "helpful" | "sneaky", pick: (x: number) => number) => {
    const b = reinforceBatch(task, probs, perfect, correct, role, shape, createRng(2));
    let s = 0;
    for (let x = 0; x < task.problems; x++) s += b.weights[x * task.solutionsPadded + pick(x)]!;
    return s;
  };
  assert.ok(sum("helpful", (x) => correctSolution(task, x)) > 0);
  assert.ok(sum("helpful", (x) => wrong[x]!) < 0);
  // Against a perfect verifier the sneaky prover is pushed off correct solutions too (SRC -V').
  assert.ok(sum("sneaky", (x) => correctSolution(task, x)) < 0);
});

Deno.test(
  "REINFORCE on SRC against a perfect verifier raises helpful accuracy",
  labTest,
  async () => {
    await wasm();
    const rng = createRng(9);
    const options = { hidden: 32, lr: 1e-2, entropyBonus: 0, dtype: "float32" as const };
    const policy = Policy.create(task, options, rng);
    const x = fromHost(proverFeatures(task), [task.problems, task.proverDim], "float32");
    const accuracy = async () => {
      const probs = await policy.probabilities(x.ref);
      let total = 0;
      for (let i = 0; i < task.problems; i++) {
        for (let z = 0; z < task.solutions; z++) {
          if (correct[i * task.solutions + z]) total += probs[i * task.solutionsPadded + z]!;
        }
      }
      return total / task.problems;
    };
    try {
      const start = await accuracy();
      const shape = { problemsPerStep: task.problems, samplesPerProblem: 4 };
      const ctx = {
        task,
        proverX: x,
        scores: perfect,
        correct,
        shape,
        dtype: "float32",
        rng,
      } as const;
      for (let i = 0; i < 150; i++) await reinforceStep(ctx, policy, "helpful");
      const end = await accuracy();
      assert.ok(start < 0.5, `start ${start}`);
      assert.ok(end > 0.85, `accuracy ${start} -> ${end}`);
    } finally {
      policy.dispose();
      x.dispose();
    }
  },
);

Deno.test(
  "a forked policy starts equal to its parent and then trains on its own",
  labTest,
  async () => {
    await wasm();
    const options = { hidden: 16, lr: 1e-2, entropyBonus: 0.01, dtype: "float32" as const };
    const parent = Policy.create(task, options, createRng(6));
    const child = parent.fork(task, options);
    const x = () => fromHost(proverFeatures(task), [task.problems, task.proverDim], "float32");
    try {
      const p0 = await parent.probabilities(x());
      assert.deepEqual(await child.probabilities(x()), p0);
      const shape = { problemsPerStep: task.problems, samplesPerProblem: 4 };
      const xs = x();
      const ctx = { task, proverX: xs, scores: perfect, correct, shape, dtype: "float32" } as const;
      for (let i = 0; i < 5; i++) {
        await reinforceStep({ ...ctx, rng: createRng(i) }, child, "helpful");
      }
      xs.dispose();
      assert.deepEqual(await parent.probabilities(x()), p0);
      assert.notDeepEqual(await child.probabilities(x()), p0);
      assert.equal(child.steps, 5);
    } finally {
      parent.dispose();
      child.dispose();
    }
  },
);

Deno.test("a batch counts as fooled only where a wrong solution scores above 0", () => {
  const probs = new Float64Array(task.problems * task.solutionsPadded);
  const scores = new Float64Array(task.problems * task.solutions);
  for (let x = 0; x < task.problems; x++) {
    const wrong = (correctSolution(task, x) + 1) % task.solutions;
    probs[x * task.solutionsPadded + wrong] = 1;
    scores[x * task.solutions + wrong] = x % 3 === 0 ? 0.5 : -0.5; // a third accepted
  }
  const shape = { problemsPerStep: task.problems, samplesPerProblem: 2 };
  const b = reinforceBatch(task, probs, scores, correct, "sneaky", shape, createRng(3));
  assert.equal(b.accuracy, 0);
  assert.ok(Math.abs(b.fooled - 1 / 3) < 1e-12, String(b.fooled));
});

Deno.test(
  "the policy loss is -sum(W log pi) minus beta times the mean entropy",
  labTest,
  async () => {
    await wasm();
    const beta = 0.1;
    const policy = Policy.create(
      task,
      { hidden: 8, lr: 1e-3, entropyBonus: beta, dtype: "float64" },
      createRng(8),
    );
    const x = () => fromHost(proverFeatures(task), [task.problems, task.proverDim], "float64");
    try {
      const probs = await policy.probabilities(x());
      const rng = createRng(2);
      const w = Float64Array.from(
        { length: probs.length },
        (_, i) => i % task.solutionsPadded < task.solutions ? rng.normal() : 0,
      );
      let expected = 0;
      for (let i = 0; i < probs.length; i++) {
        if (i % task.solutionsPadded >= task.solutions) continue;
        expected -= w[i]! * Math.log(probs[i]!);
        expected += (beta * probs[i]! * Math.log(probs[i]!)) / task.problems;
      }
      const loss = policy.step(x(), fromHost(w, [task.problems, task.solutionsPadded], "float64"));
      const got = (await toHost(loss))[0]!;
      // exp and log run at float32 precision on wasm (see bradley_terry_test.ts).
      assert.ok(
        Math.abs(got - expected) < 1e-4 * Math.max(1, Math.abs(expected)),
        `${got} vs ${expected}`,
      );
      // Padding columns carry no probability.
      for (let i = 0; i < probs.length; i++) {
        if (i % task.solutionsPadded >= task.solutions) assert.equal(probs[i], 0);
      }
    } finally {
      policy.dispose();
    }
  },
);
