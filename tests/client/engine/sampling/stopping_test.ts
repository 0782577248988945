import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type FinishReason,
  StoppingCriteria,
} from "../../../../client/engine/sampling/stopping.ts";
import { SamplingInputError } from "../../../../client/engine/sampling/errors.ts";

/** Pushes text deltas as tokens 100, 101, ...; returns the chunks streamed after each push. */
function run(stopping: StoppingCriteria, deltas: string[]): string[] {
  const chunks: string[] = [];
  for (const [i, delta] of deltas.entries()) {
    const reason = stopping.push(100 + i, delta);
    chunks.push(stopping.takeEmittable());
    if (reason !== null) break;
  }
  return chunks;
}

Deno.test("StoppingCriteria finishes with 'length' after max_tokens tokens", () => {
  const stopping = new StoppingCriteria({ maxTokens: 3 });
  assert.equal(stopping.push(1, "a"), null);
  assert.equal(stopping.push(2, "b"), null);
  assert.equal(stopping.push(3, "c"), "length");
  assert.equal(stopping.finishReason, "length");
  assert.equal(stopping.tokenCount, 3);
  assert.equal(stopping.finalText(), "abc");
});

Deno.test("StoppingCriteria finishes with 'stop' on an eos id and drops its text", () => {
  const stopping = new StoppingCriteria({ maxTokens: 10, eosTokenIds: [2, 7], stop: ["\n\n"] });
  stopping.push(5, "hi\n");
  assert.equal(stopping.takeEmittable(), "hi"); // "\n" might start "\n\n": held back
  assert.equal(stopping.push(7, "</s>"), "stop");
  assert.equal(stopping.takeEmittable(), "\n"); // it was not a stop string after all
  assert.equal(stopping.finalText(), "hi\n");
  // eos wins over length on the last allowed token.
  const last = new StoppingCriteria({ maxTokens: 1, eosTokenIds: [2] });
  assert.equal(last.push(2, ""), "stop");
});

Deno.test("a stop string inside one token ends the text before it", () => {
  const stopping = new StoppingCriteria({ maxTokens: 10, stop: ["\n\n"] });
  assert.deepEqual(run(stopping, ["Hello\n\nWorld"]), ["Hello"]);
  assert.equal(stopping.finishReason, "stop");
  assert.equal(stopping.finalText(), "Hello");
});

Deno.test("a stop string split across tokens is caught and never emitted", () => {
  const stopping = new StoppingCriteria({ maxTokens: 10, stop: ["<END>"] });
  const chunks = run(stopping, ["Hi <", "E", "N", "D> trailing"]);
  assert.deepEqual(chunks, ["Hi ", "", "", ""]);
  assert.equal(stopping.finishReason, "stop");
  assert.equal(stopping.finalText(), "Hi ");
  assert.equal(stopping.tokenCount, 4);
  const newline = new StoppingCriteria({ maxTokens: 10, stop: ["\n\n"] });
  assert.deepEqual(run(newline, ["Hel", "lo\n", "\nWor"]), ["Hel", "lo", ""]);
  assert.equal(newline.finalText(), "Hello");
});

Deno.test("held-back text is released when the next token shows it is no stop string", () => {
  const stopping = new StoppingCriteria({ maxTokens: 10, stop: ["\n\n", "###"] });
  assert.deepEqual(run(stopping, ["a\n", "b#", "#", "c"]), ["a", "\nb", "", "##c"]);
  assert.equal(stopping.finished, false);
  assert.equal(stopping.finalText(), "a\nb##c");
  // max_tokens flushes what was held back.
  const flushed = new StoppingCriteria({ maxTokens: 2, stop: ["\n\n"] });
  assert.deepEqual(run(flushed, ["x", "y\n"]), ["x", "y\n"]);
  assert.equal(flushed.finishReason, "length");
});

Deno.test("the earliest stop string wins, and stopping happens as soon as one completes", () => {
  const together = new StoppingCriteria({ maxTokens: 10, stop: ["xyz", "y"] });
  run(together, ["axyz"]);
  assert.equal(together.finalText(), "a");
  // Streamed, "y" completes first (in "axy"), before "xyz" could.
  const streamed = new StoppingCriteria({ maxTokens: 10, stop: ["xyz", "y"] });
  run(streamed, ["ax", "y", "z"]);
  assert.equal(streamed.finalText(), "ax");
  assert.equal(streamed.tokenCount, 2);
});

/** Reference: concatenate token by token and stop at the first token after which a stop string occurs. */
function reference(
  deltas: string[],
  stop: string[],
  maxTokens: number,
): { text: string; reason: FinishReason | null } {
  let text = "";
  for (const [i, delta] of deltas.entries()) {
    text += delta;
    const hits = stop.map((s) => text.indexOf(s)).filter((at) => at >= 0);
    if (hits.length > 0) return { text: text.slice(0, Math.min(...hits)), reason: "stop" };
    if (i + 1 >= maxTokens) return { text, reason: "length" };
  }
  return { text, reason: null };
}

Deno.test("streamed chunks never contain a stop string and add up to the final text", () => {
  const alphabet = fc.constantFrom("a", "b", "\n", "<", ">");
  const str = (min: number, max: number) =>
    fc.array(alphabet, { minLength: min, maxLength: max }).map((cs) => cs.join(""));
  fc.assert(
    fc.property(
      fc.array(str(0, 4), { minLength: 1, maxLength: 30 }),
      fc.array(str(1, 4), { maxLength: 4 }),
      fc.integer({ min: 1, max: 40 }),
      (deltas, stop, maxTokens) => {
        const stopping = new StoppingCriteria({ maxTokens, stop });
        let streamed = "";
        for (const [i, delta] of deltas.entries()) {
          const reason = stopping.push(i, delta);
          streamed += stopping.takeEmittable();
          // What was streamed is never taken back: it prefixes the text so far.
          assert.ok(stopping.finalText().startsWith(streamed));
          for (const s of stop) {
            assert.ok(!streamed.includes(s), `streamed ${JSON.stringify(streamed)}`);
          }
          if (reason !== null) break;
        }
        const expected = reference(deltas, stop, maxTokens);
        assert.equal(stopping.finishReason, expected.reason);
        assert.equal(stopping.finalText(), expected.text);
        if (stopping.finished) assert.equal(streamed, expected.text);
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("StoppingCriteria rejects a push after finishing and bad options", () => {
  const stopping = new StoppingCriteria({ maxTokens: 1 });
  stopping.push(1, "a");
  assert.throws(
    () => stopping.push(2, "b"),
    (e: unknown) =>
      e instanceof SamplingInputError &&
      e.message ===
        `Cannot push a token as the row must be running: current value of 'finishReason' is "length"`,
  );
  assert.throws(() => new StoppingCriteria({ maxTokens: 0 }), SamplingInputError);
  assert.throws(() => new StoppingCriteria({ maxTokens: 2.5 }), SamplingInputError);
  assert.throws(() => new StoppingCriteria({ maxTokens: 5, stop: ["ok", ""] }), SamplingInputError);
  // Infinity is allowed (the engine bounds rows by the context window instead).
  assert.equal(new StoppingCriteria({ maxTokens: Infinity }).push(1, "x"), null);
});
