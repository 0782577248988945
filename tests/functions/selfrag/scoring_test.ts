import assert from "node:assert/strict";
import {
  MissingScoreError,
  prob,
  relevanceScore,
  retrievalProbability,
  segmentScore,
  sequenceScore,
  supportScore,
  utilityScore,
} from "../../../functions/selfrag/scoring.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);
const W = { w_rel: 1.0, w_sup: 1.0, w_use: 0.5 };

Deno.test("retrievalProbability() normalizes probabilities, not log-probabilities", () => {
  close(retrievalProbability(0.3, 0.6), 1 / 3); // > 0.2: retrieve
  close(retrievalProbability(0.1, 0.9), 0.1); // <= 0.2: do not
  // The reference script's log-prob division would give log(0.3)/(log(0.3)+log(0.6)) ~ 0.70
  // here and ~0.96 for (0.1, 0.9): it grows as p[Retrieval] shrinks. Ours does not.
  assert.ok(retrievalProbability(0.1, 0.9) < retrievalProbability(0.3, 0.6));
  assert.equal(retrievalProbability(0, 0), 0);
});

Deno.test("relevanceScore() = p[Relevant] / (p[Relevant] + p[Irrelevant])", () => {
  close(relevanceScore(0.6, 0.2), 0.75);
});

Deno.test("supportScore() = (p[Full] + 0.5 p[Partial]) / sum", () => {
  close(supportScore(0.5, 0.3, 0.2), 0.65);
  close(supportScore(0.2, 0.2, 0), 0.75);
  assert.equal(supportScore(0, 0, 0), 0);
});

Deno.test("utilityScore() weights [Utility:1..5] by (-1, -0.5, 0, 0.5, 1)", () => {
  close(utilityScore([0.1, 0.1, 0.2, 0.2, 0.4]), -0.1 - 0.05 + 0 + 0.1 + 0.4);
  close(utilityScore([0, 0, 0, 0, 2]), 1);
  close(utilityScore([1, 0, 0, 0, 1]), 0);
  assert.throws(() => utilityScore([1, 2]), RangeError);
});

Deno.test("sequenceScore() = exp(mean token logprob)", () => {
  close(sequenceScore([-0.1, -0.3]), Math.exp(-0.2));
  assert.equal(sequenceScore([]), 0);
});

Deno.test("segmentScore() = w_rel*rel + w_sup*sup + w_use*use (+ seq)", () => {
  close(segmentScore({ rel: 0.8, sup: 0.75, use: 0.5 }, W), 0.8 + 0.75 + 0.25);
  close(segmentScore({ rel: 0.8, sup: 0.75, use: 0.5, seq: 0.5 }, W), 2.3);
  close(segmentScore({ rel: 1, sup: 1, use: 1 }, { w_rel: 2, w_sup: 0, w_use: 1 }), 3);
});

Deno.test("prob() reads a score and names a missing token", () => {
  assert.equal(prob({ "[Relevant]": 0.4 }, "[Relevant]"), 0.4);
  assert.throws(() => prob({}, "[Irrelevant]"), MissingScoreError);
});
