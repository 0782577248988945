/**
 * Each flaw kind changes a correct solution the way its name says: a slipped step result is
 * the only wrong annotation (later steps compute from it), a misread operand keeps every step
 * right but answers another problem, a wrong final answer keeps the steps and changes only the
 * last sentence, and another question's chain is a real solution of a different problem of the
 * same shape. Every flawed solution ends in a wrong answer.
 *
 * @module
 */
import assert from "node:assert/strict";
import { verifyArithmetic } from "../../../../functions/verify/check.ts";
import { createRng } from "../../../../tools/forge/rng.ts";
import { solveQuestion } from "../../../../tools/forge/world/arithmetic_solver.ts";
import {
  flawedSolution,
  flawPool,
  type SolvedText,
} from "../../../../tools/forge/world/solution_flaws.ts";

const CHANGE: SolvedText = {
  question:
    "Ada Bel buys 9 Tobre Pro at 426 coins each. Ada Bel pays with 4000 coins. How many coins does Ada Bel get back?",
  solution:
    "9 * 426 = <<9*426=3834>>3834 coins. 4000 - 3834 = <<4000-3834=166>>166 coins. The answer is 166.",
};
const OTHERS: SolvedText[] = [
  ["Cy Dor buys 4 Zel Max at 157 coins each. Cy Dor pays with 1000 coins. How many coins does Cy Dor get back?"],
  ["Eli Fen buys 7 Gu Pro at 158 coins each. Eli Fen pays with 2000 coins. How many coins does Eli Fen get back?"],
  ["Painholm has 176 thousand people and Britaford has 84 thousand people. How many thousand people live in the two cities together?"],
].map(([question]) => ({ question: question!, solution: solveQuestion(question!)!.solution }));
const POOL = flawPool([CHANGE, ...OTHERS]);

const annotations = (s: string) => [...s.matchAll(/<<([^>]*)>>/g)].map((m) => m[1]);
const final = (s: string) => Number(/The answer is (-?\d+)\.$/.exec(s)?.[1]);

Deno.test("solveQuestion() writes the generator's solution for all four shapes", () => {
  assert.equal(solveQuestion(CHANGE.question)?.solution, CHANGE.solution);
  assert.deepEqual(
    solveQuestion("Ada buys 3 Zel Pro at 40 coins each. How many coins does Ada spend?"),
    {
      solution: "3 * 40 = <<3*40=120>>120 coins. The answer is 120.",
      answer: 120,
    },
  );
  assert.equal(
    solveQuestion("Ada shares 24 Zel Pro equally among 4 friends. How many does each friend get?")
      ?.solution,
    "24 / 4 = <<24/4=6>>6. The answer is 6.",
  );
  assert.equal(solveQuestion("What is the capital of Boria?"), null);
});

Deno.test("a slipped step result is the only wrong step and the chain computes on from it", () => {
  for (let seed = 0; seed < 40; seed++) {
    const text = flawedSolution(createRng(seed), "step_result", CHANGE, POOL)!;
    const steps = verifyArithmetic(text).steps;
    assert.equal(steps.filter((s) => !s.ok).length, 1, text);
    assert.notEqual(final(text), 166, text);
    // The wrong value is carried: the last step's operand is the first step's claimed result.
    const [first, second] = annotations(text);
    const claimed = first!.split("=")[1];
    assert.ok(second!.startsWith(`4000-${claimed}=`) || steps[0]!.ok, text);
  }
});

Deno.test("a misread operand keeps every step right and changes the answer", () => {
  for (let seed = 0; seed < 40; seed++) {
    const text = flawedSolution(createRng(seed), "operand", CHANGE, POOL)!;
    assert.ok(verifyArithmetic(text).ok, text);
    assert.notEqual(final(text), 166, text);
    assert.notEqual(annotations(text)[0], "9*426=3834", text);
  }
});

Deno.test("a wrong final answer keeps the steps and changes only the last sentence", () => {
  const seen = new Set<number>();
  for (let seed = 0; seed < 40; seed++) {
    const text = flawedSolution(createRng(seed), "final_answer", CHANGE, POOL)!;
    assert.equal(
      text.replace(/The answer is -?\d+\.$/, ""),
      CHANGE.solution.replace(/The answer is 166\.$/, ""),
    );
    assert.notEqual(final(text), 166);
    seen.add(final(text));
  }
  assert.ok(seen.has(3834), "stopping at the intermediate result is one of the flaws");
});

Deno.test("another question's chain is a correct solution of a different problem of the same shape", () => {
  const chains = new Set<string>();
  for (let seed = 0; seed < 20; seed++) {
    const text = flawedSolution(createRng(seed), "other_question", CHANGE, POOL)!;
    assert.ok(OTHERS.slice(0, 2).some((o) => o.solution === text), text);
    chains.add(text);
  }
  assert.equal(chains.size, 2);
  // A shape with no other problem has no such flaw.
  assert.equal(flawedSolution(createRng(1), "other_question", OTHERS[2]!, POOL), null);
});
