import assert from "node:assert/strict";
import fc from "fast-check";
import { parseSamplingParams, SamplingParams } from "../../../../client/engine/sampling/params.ts";
import { InvalidSamplingParamsError } from "../../../../client/engine/sampling/errors.ts";

/** Asserts that parsing throws an InvalidSamplingParamsError with exactly this message. */
function assertRejects(input: unknown, message: string, field: string): void {
  assert.throws(
    () => parseSamplingParams(input),
    (e: unknown) => {
      assert.ok(e instanceof InvalidSamplingParamsError);
      assert.equal(e.name, "InvalidSamplingParamsError");
      assert.equal(e.message, message);
      assert.deepEqual(e.fields, [field]);
      return true;
    },
  );
}

Deno.test("parseSamplingParams() fills the defaults and normalizes stop to an array", () => {
  assert.deepEqual(parseSamplingParams({}), {
    temperature: 1,
    top_k: 0,
    top_p: 1,
    min_p: 0,
    repetition_penalty: 1,
    stop: [],
  });
  assert.deepEqual(parseSamplingParams({ stop: "\n\n" }).stop, ["\n\n"]);
  assert.deepEqual(parseSamplingParams({ stop: ["a", "b"] }).stop, ["a", "b"]);
  const full = parseSamplingParams({
    temperature: 0,
    top_k: 5,
    top_p: 0.9,
    min_p: 0.05,
    repetition_penalty: 1.3,
    seed: -7,
    max_tokens: 12,
    stop: ["x", "y", "z", "w"],
    messages: [], // unknown keys of a chat request are dropped
  });
  assert.deepEqual(full, {
    temperature: 0,
    top_k: 5,
    top_p: 0.9,
    min_p: 0.05,
    repetition_penalty: 1.3,
    seed: -7,
    max_tokens: 12,
    stop: ["x", "y", "z", "w"],
  });
});

Deno.test("parseSamplingParams() rejects each bad value with a message naming field, rule and value", () => {
  const cases: [unknown, string, string][] = [
    [{ temperature: 2.5 }, "temperature", "'temperature' must be at most 2: current value is 2.5"],
    [
      { temperature: -0.1 },
      "temperature",
      "'temperature' must be at least 0: current value is -0.1",
    ],
    [
      { temperature: "1" },
      "temperature",
      `'temperature' must be a finite number: current value is "1"`,
    ],
    [
      { temperature: NaN },
      "temperature",
      "'temperature' must be a finite number: current value is NaN",
    ],
    [{ top_k: -1 }, "top_k", "'top_k' must be at least 0 (0 turns it off): current value is -1"],
    [{ top_k: 2.5 }, "top_k", "'top_k' must be an integer: current value is 2.5"],
    [{ top_p: 0 }, "top_p", "'top_p' must be greater than 0: current value is 0"],
    [{ top_p: 1.01 }, "top_p", "'top_p' must be at most 1: current value is 1.01"],
    [{ min_p: 1 }, "min_p", "'min_p' must be less than 1: current value is 1"],
    [{ min_p: -0.5 }, "min_p", "'min_p' must be at least 0: current value is -0.5"],
    [
      { repetition_penalty: 0 },
      "repetition_penalty",
      "'repetition_penalty' must be greater than 0: current value is 0",
    ],
    [{ seed: 1.5 }, "seed", "'seed' must be a safe integer: current value is 1.5"],
    [
      { max_tokens: 0 },
      "max_tokens",
      "'max_tokens' must be a positive integer: current value is 0",
    ],
    [{ max_tokens: 3.5 }, "max_tokens", "'max_tokens' must be an integer: current value is 3.5"],
    [
      { stop: "" },
      "stop",
      `'stop' must be a non-empty string or an array of at most 4 non-empty strings: current value is ""`,
    ],
    [
      { stop: ["a", ""] },
      "stop",
      `'stop' must be a non-empty string or an array of at most 4 non-empty strings: current value is ["a",""]`,
    ],
    [
      { stop: ["a", "b", "c", "d", "e"] },
      "stop",
      `'stop' must be a non-empty string or an array of at most 4 non-empty strings: current value is ["a","b","c","d","e"]`,
    ],
    [
      { stop: 5 },
      "stop",
      "'stop' must be a non-empty string or an array of at most 4 non-empty strings: current value is 5",
    ],
    [null, "params", "'params' must be an object: current value is null"],
  ];
  for (const [input, field, detail] of cases) {
    assertRejects(input, `Cannot sample as ${detail}`, field);
  }
});

Deno.test("parseSamplingParams() names every failing field in one message", () => {
  assert.throws(
    () => parseSamplingParams({ top_k: -1, min_p: 1 }),
    (e: unknown) =>
      e instanceof InvalidSamplingParamsError &&
      e.message ===
        "Cannot sample as 'top_k' must be at least 0 (0 turns it off): current value is -1; 'min_p' must be less than 1: current value is 1" &&
      e.fields.join() === "top_k,min_p" && e.cause !== undefined,
  );
});

Deno.test("parseSamplingParams() accepts every value inside the documented ranges", () => {
  fc.assert(
    fc.property(
      fc.record({
        temperature: fc.double({ min: 0, max: 2, noNaN: true }),
        top_k: fc.nat(100_000),
        top_p: fc.double({ min: Number.MIN_VALUE, max: 1, noNaN: true }),
        min_p: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        repetition_penalty: fc.double({ min: Number.MIN_VALUE, max: 10, noNaN: true }),
        seed: fc.integer(),
        max_tokens: fc.integer({ min: 1, max: 1 << 20 }),
        stop: fc.array(fc.string({ minLength: 1 }), { maxLength: 4 }),
      }),
      (input) => {
        const parsed: SamplingParams = parseSamplingParams(input);
        assert.deepEqual(parsed, { ...input }); // spread: fc.record objects have no prototype
      },
    ),
  );
});

Deno.test("parseSamplingParams() rejects any temperature outside [0, 2] naming 'temperature'", () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.double({ max: -Number.MIN_VALUE }), fc.double({ min: 2.000001 })),
      (temperature) => {
        assert.throws(
          () => parseSamplingParams({ temperature }),
          (e: unknown) =>
            e instanceof InvalidSamplingParamsError &&
            e.message.startsWith("Cannot sample as 'temperature' must be") &&
            e.message.endsWith(`current value is ${temperature}`),
        );
      },
    ),
  );
});
