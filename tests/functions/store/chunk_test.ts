import assert from "node:assert/strict";
import fc from "fast-check";
import { chunkText, splitSentences } from "../../../functions/store/chunk.ts";

Deno.test("splitSentences() splits after . ! ? and blank lines, keeping closing quotes", () => {
  assert.deepEqual(splitSentences('He said "Stop." Then left! Why? Yes.\n\nNext line'), [
    'He said "Stop."',
    "Then left!",
    "Why?",
    "Yes.",
    "Next line",
  ]);
});

Deno.test("chunkText() packs whole sentences up to maxWords", () => {
  assert.deepEqual(chunkText("a b c. d e f g. h.", { maxWords: 4 }), ["a b c.", "d e f g.", "h."]);
  assert.deepEqual(chunkText("a b. c d.", { maxWords: 4 }), ["a b. c d."]);
  assert.deepEqual(chunkText("   "), []);
});

Deno.test("chunkText() cuts a sentence longer than maxWords at word boundaries", () => {
  assert.deepEqual(chunkText("one two three four five six seven.", { maxWords: 3 }), [
    "one two three",
    "four five six",
    "seven.",
  ]);
});

Deno.test("chunkText() keeps every word in order and never exceeds maxWords", () => {
  const word = fc.stringMatching(/^[a-z]{1,6}[.!?]?$/);
  fc.assert(
    fc.property(
      fc.array(word, { maxLength: 300 }),
      fc.integer({ min: 1, max: 150 }),
      (words, max) => {
        const passages = chunkText(words.join(" "), { maxWords: max });
        const out = passages.flatMap((p) => p.split(" "));
        assert.deepEqual(out, words);
        for (const p of passages) assert.ok(p.split(" ").length <= max);
      },
    ),
    { numRuns: 300, seed: 3 },
  );
});
