import assert from "node:assert/strict";
import { dedupe, mean, ndcgAt, recallAt } from "../../../functions/retrieval/metrics.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);

Deno.test("ndcgAt() is 1 for the ideal order and matches a hand computation otherwise", () => {
  close(ndcgAt(["a", "b", "c"], { a: 2, b: 1 }, 10), 1);
  // DCG = (2^1-1)/log2(2) + (2^2-1)/log2(3) ; IDCG = 3/1 + 1/log2(3)
  close(ndcgAt(["b", "a"], { a: 2, b: 1 }, 10), (1 + 3 / Math.log2(3)) / (3 + 1 / Math.log2(3)));
  close(ndcgAt(["x", "b"], { b: 1 }, 10), 1 / Math.log2(3));
  close(ndcgAt(["x", "b"], { b: 1 }, 1), 0);
  close(ndcgAt(["x"], {}, 10), 0);
});

Deno.test("ndcgAt() counts a document once, at its best rank", () => {
  close(ndcgAt(["a", "a", "b"], { a: 1, b: 1 }, 10), 1);
});

Deno.test("recallAt() is the share of relevant documents in the first k", () => {
  close(recallAt(["a", "x", "b"], { a: 1, b: 2, c: 1 }, 10), 2 / 3);
  close(recallAt(["a", "x", "b"], { a: 1, b: 2, c: 1 }, 2), 1 / 3);
  close(recallAt(["a"], { a: 0 }, 10), 0);
});

Deno.test("dedupe() and mean()", () => {
  assert.deepEqual(dedupe(["a", "b", "a", "c", "b"]), ["a", "b", "c"]);
  close(mean([1, 2, 3, 4]), 2.5);
  close(mean([]), 0);
});
