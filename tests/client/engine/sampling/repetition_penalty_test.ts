import assert from "node:assert/strict";
import fc from "fast-check";
import {
  applyRepetitionPenalty,
  penalizeLogit,
} from "../../../../client/engine/sampling/repetition_penalty.ts";
import { TokenHistory } from "../../../../client/engine/sampling/token_history.ts";
import { SamplingInputError } from "../../../../client/engine/sampling/errors.ts";
import { rowArb } from "./helpers.ts";

function historyOf(vocab: number, ids: number[]): TokenHistory {
  const history = new TokenHistory(vocab);
  history.addAll(ids);
  return history;
}

Deno.test("applyRepetitionPenalty() matches hand-computed Hugging Face values", () => {
  const logits = Float32Array.of(2, -2, 0.5, -0.5, 0, 3);
  const out = new Float32Array(6);
  // Seen: 0, 1, 3, 4. Positive logits are divided, negative ones multiplied, 0 stays 0.
  applyRepetitionPenalty(logits, out, historyOf(6, [0, 1, 3, 4]), 2);
  assert.deepEqual(Array.from(out), [1, -4, 0.5, -1, 0, 3]);
  // A penalty below 1 rewards repeats: 2 / 0.5 = 4, -2 * 0.5 = -1.
  applyRepetitionPenalty(logits, out, historyOf(6, [0, 1]), 0.5);
  assert.deepEqual(Array.from(out), [4, -1, 0.5, -0.5, 0, 3]);
  // The CTRL paper's 1.2: 3 / 1.2 = 2.5.
  applyRepetitionPenalty(logits, out, historyOf(6, [5]), 1.2);
  assert.equal(out[5], Math.fround(2.5));
  assert.equal(penalizeLogit(-1.5, 1.5), -2.25);
  assert.equal(penalizeLogit(0, 3), 0);
  // The input is left alone when out is a different buffer.
  assert.deepEqual(Array.from(logits), [2, -2, 0.5, -0.5, 0, 3]);
});

Deno.test("applyRepetitionPenalty() penalizes a token once however often it was seen", () => {
  const logits = Float32Array.of(8, -8);
  applyRepetitionPenalty(logits, logits, historyOf(2, [0, 0, 0, 1, 1]), 2);
  assert.deepEqual(Array.from(logits), [4, -16]);
});

Deno.test("applyRepetitionPenalty() equals the torch.where formula on every token, in place or not", () => {
  fc.assert(
    fc.property(
      rowArb,
      fc.array(fc.nat(), { maxLength: 60 }),
      fc.double({ min: 0.05, max: 5, noNaN: true }),
      (logits, rawIds, penalty) => {
        const ids = rawIds.map((id) => id % logits.length);
        const history = historyOf(logits.length, ids);
        const seen = new Set(ids);
        const out = new Float32Array(logits.length);
        applyRepetitionPenalty(logits, out, history, penalty);
        for (let i = 0; i < logits.length; i++) {
          const score = logits[i]!;
          // transformers: torch.where(score < 0, score * penalty, score / penalty)
          const expected = seen.has(i) ? (score < 0 ? score * penalty : score / penalty) : score;
          assert.equal(out[i], Math.fround(expected));
        }
        const inPlace = logits.slice();
        applyRepetitionPenalty(inPlace, inPlace, history, penalty);
        assert.deepEqual(inPlace, out);
      },
    ),
  );
});

Deno.test("applyRepetitionPenalty() rejects a penalty that is not > 0", () => {
  const logits = new Float32Array(3);
  for (const penalty of [0, -1, NaN, Infinity]) {
    assert.throws(
      () => applyRepetitionPenalty(logits, logits, new TokenHistory(3), penalty),
      (e: unknown) =>
        e instanceof SamplingInputError && e.message.includes("'penalty' must be") &&
        e.message.endsWith(`current value is ${penalty}`),
    );
  }
});

Deno.test("TokenHistory keeps distinct ids in first-seen order and clears for reuse", () => {
  const history = new TokenHistory(1000);
  const ids = Array.from({ length: 700 }, (_, i) => (i * 37) % 500); // repeats, > initial capacity
  history.addAll(ids);
  const distinct = [...new Set(ids)];
  assert.equal(history.size, distinct.length);
  assert.deepEqual(Array.from(history.distinctIds()), distinct);
  assert.ok(history.has(37) && !history.has(999));
  history.clear();
  assert.equal(history.size, 0);
  assert.equal(history.has(37), false);
  history.add(3);
  assert.deepEqual(Array.from(history.distinctIds()), [3]);
  assert.throws(() => history.add(1000), SamplingInputError);
  assert.throws(() => history.add(-1), SamplingInputError);
});
