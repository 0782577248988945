import assert from "node:assert/strict";
import fc from "fast-check";
import {
  canonicalNumber,
  finalAnswer,
} from "../../../functions/pipeline/best_of_n/final_answer.ts";
import {
  selectCandidate,
  tallyVotes,
  topCandidate,
} from "../../../functions/pipeline/best_of_n/selection.ts";
import {
  checkCandidate,
  learnedScore,
  verifierPrompt,
} from "../../../functions/pipeline/best_of_n/verifier.ts";

Deno.test("finalAnswer reads '#### N' first, with commas, dollars and signs made canonical", () => {
  assert.deepEqual(finalAnswer("48/2 = <<48/2=24>>24 clips.\n#### 1,200.50"), {
    answer: "1200.5",
    source: "hash",
  });
  assert.equal(finalAnswer("#### $-3\nThen 7 more").answer, "-3");
  assert.equal(finalAnswer("#### 0.50").answer, "0.5");
});

Deno.test("finalAnswer falls back to the last number outside calculator annotations", () => {
  assert.deepEqual(finalAnswer("3 * 40 = <<3*40=120>>120 coins. The answer is 120."), {
    answer: "120",
    source: "last_number",
  });
  assert.equal(finalAnswer("She pays <<2*9=18>> so 2 * 9 is 18.").answer, "18");
  assert.equal(finalAnswer("Ages 10-12 pay; it is 7-4").answer, "4");
  assert.equal(finalAnswer("It falls to -4 degrees").answer, "-4");
  assert.equal(finalAnswer("Total: 1,500 coins, then .5 more").answer, "0.5");
  assert.deepEqual(finalAnswer("I do not know <<x>>"), { answer: null, source: null });
});

Deno.test("canonicalNumber makes equal numbers equal and refuses non-numbers", () => {
  assert.equal(canonicalNumber("1,200.0"), "1200");
  assert.equal(canonicalNumber("$ 7"), "7");
  assert.equal(canonicalNumber("-0.25"), "-0.25");
  assert.equal(canonicalNumber("seven"), null);
});

Deno.test("checkCandidate fails a candidate on any wrong step, passes one without steps", () => {
  assert.equal(checkCandidate("<<2+3=5>>5 and <<5*2=10>>10").ok, true);
  const bad = checkCandidate("<<2+3=5>>5 and <<5*2=11>>11");
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.steps.map((s) => s.ok), [true, false]);
  assert.deepEqual(checkCandidate("The answer is 5."), { ok: true, steps: [] });
});

Deno.test("verifierPrompt fills every slot in one pass and keeps model text literal", () => {
  assert.equal(
    verifierPrompt("{question}|{solution}|{question}", " q {solution} ", " s $& "),
    "q {solution}|s $&|q {solution}",
  );
});

Deno.test("learnedScore normalizes accept against reject and gives 0 without mass", () => {
  assert.equal(learnedScore({ Yes: 0.375, No: 0.125 }, "Yes", "No"), 0.75);
  assert.equal(learnedScore({ Yes: 0, No: 0 }, "Yes", "No"), 0);
  assert.equal(learnedScore({}, "Yes", "No"), 0);
});

const c = (index: number, answer: string | null, score: number) => ({ index, answer, score });

Deno.test("topCandidate takes the highest score and the first one on ties", () => {
  assert.equal(topCandidate([c(0, "1", 0.5), c(1, "2", 0.7), c(2, "3", 0.7)]), 1);
  assert.equal(topCandidate([]), null);
});

Deno.test("tallyVotes sums scores per answer and orders by weight, count, first seen", () => {
  assert.deepEqual(tallyVotes([c(0, "7", 0.9), c(1, "8", 0.5), c(2, null, 1), c(3, "8", 0.6)]), [
    { answer: "8", weight: 1.1, count: 2, best: 3 },
    { answer: "7", weight: 0.9, count: 1, best: 0 },
  ]);
  // Equal weight: the larger count wins; equal count too: the answer seen first.
  assert.deepEqual(
    tallyVotes([c(0, "1", 1), c(1, "2", 0.5), c(2, "2", 0.5), c(3, "3", 1)]).map((t) => t.answer),
    ["2", "1", "3"],
  );
});

Deno.test("selectCandidate votes by weight and falls back to top without answers", () => {
  const cands = [c(0, "7", 0.9), c(1, "8", 0.6), c(2, "8", 0.6)];
  assert.equal(selectCandidate(cands, "vote").chosen, 1);
  assert.equal(selectCandidate(cands, "top").chosen, 0);
  const none = selectCandidate([c(0, null, 0.2), c(1, null, 0.4)], "vote");
  assert.deepEqual(none, { chosen: 1, tallies: [], voteFallback: true });
  assert.deepEqual(selectCandidate([], "vote"), { chosen: null, tallies: [], voteFallback: false });
});

const withCommas = (n: bigint) => {
  const digits = (n < 0n ? -n : n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (n < 0n ? "-" : "") + digits;
};

Deno.test("property: '#### N' and 'The answer is N.' read N back, however N is grouped", () => {
  fc.assert(
    fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.string(), (n, noise) => {
      const clean = noise.replace(/[\d#<>.-]/g, "");
      assert.equal(finalAnswer(`${clean}\n#### ${withCommas(n)}`).answer, n.toString());
      assert.equal(finalAnswer(`${clean} <<1+1=2>>2. The answer is ${n}.`).answer, n.toString());
    }),
  );
});

Deno.test("property: the vote winner holds the largest weight and the chosen candidate gives it", () => {
  const cand = fc.record({
    answer: fc.option(fc.constantFrom("1", "2", "3"), { nil: null }),
    score: fc.double({ min: 0, max: 1, noNaN: true }),
  });
  fc.assert(
    fc.property(fc.array(cand, { maxLength: 12 }), (raw) => {
      const cands = raw.map((c, index) => ({ index, ...c }));
      const { chosen, tallies } = selectCandidate(cands, "vote");
      const winner = tallies[0];
      if (winner === undefined) return;
      assert.ok(tallies.every((t) => t.weight <= winner.weight));
      assert.equal(cands[chosen ?? -1]?.answer, winner.answer);
      assert.equal(tallies.reduce((s, t) => s + t.count, 0), cands.filter((c) => c.answer).length);
    }),
  );
});
