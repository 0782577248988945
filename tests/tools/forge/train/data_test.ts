/**
 * Training batches: segment-aligned loss masks, shifted targets, normalized weights, and a
 * seeded order that is a pure function of the step.
 *
 * @module
 */
import assert from "node:assert/strict";
import { BatchSource, tokenizeExamples } from "../../../../tools/forge/train/data.ts";
import { chatExample } from "../../../../tools/forge/world/examples.ts";
import { syntheticStream } from "./train_fixtures.ts";

/** One id per character, to make alignment visible. */
const charEncoder = {
  encode: (text: string) => ({ ids: Array.from(text, (c) => c.charCodeAt(0)) }),
};

Deno.test("tokenizeExamples() masks exactly the assistant content and its end token", () => {
  const stream = tokenizeExamples(charEncoder, [chatExample("qa", "Hi?", "Yo.")]);
  const text = String.fromCharCode(...stream.tokens);
  const trained = Array.from(stream.tokens).filter((_, i) => stream.mask[i] === 1);
  assert.equal(String.fromCharCode(...trained), "Yo.<|im_end|>");
  assert.ok(text.startsWith("<|im_start|>user\nHi?<|im_end|>\n<|im_start|>assistant\n"));
  assert.ok(text.endsWith("\n"));
});

Deno.test("BatchSource.batchAt() serves shifted targets with weights summing to 1", () => {
  const stream = syntheticStream(50, 1000);
  const source = new BatchSource(stream, 4, 10, 9);
  assert.equal(source.stepsPerEpoch, Math.floor(Math.floor(999 / 10) / 4));
  const batch = source.batchAt(3);
  for (let r = 0; r < 4; r++) {
    for (let i = 0; i < 9; i++) {
      assert.equal(batch.targets[r * 10 + i], batch.inputs[r * 10 + i + 1]);
    }
  }
  const sum = batch.weights.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-5, `sum ${sum}`);
  assert.equal(batch.trainedTokens, 20); // every other target is trained
});

Deno.test("BatchSource order depends only on (seed, step) and covers every row once per epoch", () => {
  const stream = syntheticStream(50, 1000);
  const a = new BatchSource(stream, 4, 10, 9);
  const b = new BatchSource(stream, 4, 10, 9);
  b.batchAt(40); // a different history must not change what step 7 gets
  assert.deepEqual(a.batchAt(7).inputs, b.batchAt(7).inputs);
  assert.notDeepEqual(new BatchSource(stream, 4, 10, 10).batchAt(7).inputs, a.batchAt(7).inputs);
  const firstTokens = new Set<number>();
  for (let s = 0; s < a.stepsPerEpoch; s++) {
    const batch = a.batchAt(s);
    for (let r = 0; r < 4; r++) firstTokens.add(batch.inputs[r * 10]! * 1000 + s * 4 + r);
  }
  assert.equal(firstTokens.size, a.stepsPerEpoch * 4);
});

Deno.test("BatchSource refuses a stream shorter than one batch", () => {
  assert.throws(
    () => new BatchSource(syntheticStream(50, 30), 4, 10, 1),
    /Cannot serve batches as the stream must hold at least 4 rows of 10 tokens: current value is 2/,
  );
});

Deno.test("tokenizeExamples() with align keeps every example inside one row and drops longer ones", () => {
  const examples = [
    chatExample("qa", "Hi?", "Yo."),
    chatExample("qa", "What is the capital of Dousistan?", "The capital of Dousistan is Dramouth."),
    chatExample("qa", "x".repeat(200), "too long"),
    chatExample("qa", "Why?", "Because."),
  ];
  const plain = tokenizeExamples(charEncoder, examples);
  const row = 160;
  const aligned = tokenizeExamples(charEncoder, examples, row);
  assert.equal(aligned.dropped, 1);
  // Every example starts with "<|im_start|>user"; none may start so late that it crosses a row end.
  const text = String.fromCharCode(...aligned.tokens);
  const starts = [...text.matchAll(/<\|im_start\|>user/g)].map((m) => m.index!);
  assert.equal(starts.length, 3);
  const ends = [...starts.slice(1), aligned.tokens.length];
  starts.forEach((s, i) => {
    const lastToken = ends[i]! - 1 - countTrailingPad(aligned.tokens, ends[i]!);
    assert.equal(Math.floor(s / row), Math.floor(lastToken / row), `example ${i} crosses a row`);
  });
  // Padding is never trained, and the trained tokens are those of the kept examples.
  const trained = (s: { mask: Uint8Array }) => s.mask.reduce((a, b) => a + b, 0);
  const longTrained = "too long<|im_end|>".length;
  assert.equal(trained(aligned), trained(plain) - longTrained);
});

/** Padding tokens (id 0) right before `end`. */
function countTrailingPad(tokens: Int32Array, end: number): number {
  let n = 0;
  while (end - 1 - n >= 0 && tokens[end - 1 - n] === 0) n++;
  return n;
}
