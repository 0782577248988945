import assert from "node:assert/strict";
import fc from "fast-check";
import { LogitsPipeline } from "../../../../client/engine/sampling/logits_pipeline.ts";
import { parseSamplingParams } from "../../../../client/engine/sampling/params.ts";
import { TokenHistory } from "../../../../client/engine/sampling/token_history.ts";
import { applyTokenBan } from "../../../../client/engine/sampling/token_ban.ts";
import { applyRepetitionPenalty } from "../../../../client/engine/sampling/repetition_penalty.ts";
import { applyTopK } from "../../../../client/engine/sampling/top_k.ts";
import { applyTemperature } from "../../../../client/engine/sampling/temperature.ts";
import { applyTopP } from "../../../../client/engine/sampling/top_p.ts";
import { applyMinP } from "../../../../client/engine/sampling/min_p.ts";
import { SamplingInputError } from "../../../../client/engine/sampling/errors.ts";
import { rowArb } from "./helpers.ts";

function pipeline(
  vocabSize: number,
  params: unknown,
  bannedTokenIds: number[] = [],
): LogitsPipeline {
  return new LogitsPipeline({ vocabSize, params: parseSamplingParams(params), bannedTokenIds });
}

function keptIds(row: Float32Array): number[] {
  return Array.from(row).flatMap((l, i) => (l === -Infinity ? [] : [i]));
}

Deno.test("LogitsPipeline runs only the stages its parameters turn on, in order", () => {
  assert.deepEqual(pipeline(10, {}).stages, []);
  assert.deepEqual(
    pipeline(10, { repetition_penalty: 1.2, temperature: 0.7, top_k: 5, top_p: 0.9, min_p: 0.05 }, [
      3,
    ])
      .stages,
    ["ban", "repetition_penalty", "top_k", "temperature", "top_p", "min_p"],
  );
  // Greedy: the warpers cannot change the argmax, so they are skipped.
  const greedy = pipeline(10, { temperature: 0, repetition_penalty: 1.2, top_k: 5, top_p: 0.9 }, [
    3,
  ]);
  assert.equal(greedy.greedy, true);
  assert.deepEqual(greedy.stages, ["ban", "repetition_penalty"]);
  assert.deepEqual(pipeline(10, { top_k: 10 }).stages, []); // k >= vocab keeps everything
});

Deno.test("LogitsPipeline.process() equals the stages applied one by one", () => {
  fc.assert(
    fc.property(
      rowArb,
      fc.record({
        temperature: fc.double({ min: 0.1, max: 2, noNaN: true }),
        top_k: fc.nat(10),
        top_p: fc.double({ min: 0.05, max: 1, noNaN: true }),
        min_p: fc.double({ min: 0, max: 0.5, noNaN: true }),
        repetition_penalty: fc.double({ min: 0.5, max: 2, noNaN: true }),
      }),
      fc.array(fc.nat(), { maxLength: 10 }),
      (logits, params, rawIds) => {
        const n = logits.length;
        const ids = rawIds.map((id) => id % n);
        const history = new TokenHistory(n);
        history.addAll(ids.slice(1));
        const banned = ids.slice(0, 1);
        const out = pipeline(n, params, banned).process(logits, new Float32Array(n), history);
        const expected = logits.slice();
        applyTokenBan(expected, expected, banned);
        applyRepetitionPenalty(expected, expected, history, params.repetition_penalty);
        applyTopK(expected, expected, params.top_k, new Float32Array(n));
        applyTemperature(expected, expected, params.temperature);
        applyTopP(expected, expected, params.top_p, new Float32Array(n), new Float32Array(n));
        applyMinP(expected, expected, params.min_p);
        assert.deepEqual(out, expected);
      },
    ),
  );
});

Deno.test("LogitsPipeline applies the repetition penalty before top-k", () => {
  // [3, 2.5, 0] with token 0 seen and penalty 2 -> [1.5, 2.5, 0]: top-1 must keep token 1.
  const history = new TokenHistory(3);
  history.add(0);
  const out = pipeline(3, { repetition_penalty: 2, top_k: 1 }).process(
    Float32Array.of(3, 2.5, 0),
    new Float32Array(3),
    history,
  );
  assert.deepEqual(keptIds(out), [1]);
});

Deno.test("LogitsPipeline applies temperature before top-p", () => {
  // Probabilities [0.6, 0.3, 0.1]: top_p 0.7 keeps two at temperature 1, but at temperature 0.5
  // they sharpen to [0.783, 0.196, 0.022] and token 0 alone reaches 0.7.
  const logits = Float32Array.from([0.6, 0.3, 0.1], Math.log);
  assert.deepEqual(keptIds(pipeline(3, { top_p: 0.7 }).process(logits, new Float32Array(3))), [
    0,
    1,
  ]);
  assert.deepEqual(
    keptIds(pipeline(3, { top_p: 0.7, temperature: 0.5 }).process(logits, new Float32Array(3))),
    [0],
  );
});

Deno.test("LogitsPipeline.process() gives the same result in place and does not touch its input", () => {
  const logits = Float32Array.of(0.5, 2, -1, 3, 1);
  const copy = logits.slice();
  const p = pipeline(5, { temperature: 0.8, top_k: 3, top_p: 0.9 }, [3]);
  const out = p.process(logits, new Float32Array(5));
  assert.deepEqual(logits, copy);
  const inPlace = logits.slice();
  p.process(inPlace, inPlace);
  assert.deepEqual(inPlace, out);
  // With no stage on, process() copies.
  assert.deepEqual(pipeline(5, {}).process(logits, new Float32Array(5)), logits);
});

Deno.test("LogitsPipeline rejects a missing history, a wrong row length and bad banned ids", () => {
  const p = pipeline(3, { repetition_penalty: 1.5 });
  assert.throws(
    () => p.process(new Float32Array(3), new Float32Array(3)),
    (e: unknown) =>
      e instanceof SamplingInputError && e.message.includes("'history' must be given"),
  );
  assert.throws(() => p.process(new Float32Array(4), new Float32Array(4)), SamplingInputError);
  assert.throws(
    () => pipeline(3, {}, [3]),
    (e: unknown) =>
      e instanceof SamplingInputError &&
      e.message ===
        "Cannot use token id as 'bannedTokenIds[0]' must be an integer in [0, 3): current value is 3",
  );
});
