import assert from "node:assert/strict";
import { filterText, stem } from "../../../functions/s2a/filter.ts";

Deno.test("filterText() drops opinions and suggested answers with their reason", () => {
  const r = filterText(
    "Tom has 3 apples. My professor said it should be 9. Tom buys 4 more apples. " +
      "I'm not sure but maybe it's 12. How many apples does Tom have now? I think the answer is 8.",
  );
  assert.equal(r.question, "How many apples does Tom have now?");
  assert.equal(r.context, "Tom has 3 apples. Tom buys 4 more apples.");
  assert.deepEqual(r.dropped, [
    { sentence: "My professor said it should be 9.", reason: "opinion" },
    { sentence: "I'm not sure but maybe it's 12.", reason: "suggestion" },
    { sentence: "I think the answer is 8.", reason: "suggestion" },
  ]);
  assert.deepEqual(r.kept, [
    "Tom has 3 apples.",
    "Tom buys 4 more apples.",
    "How many apples does Tom have now?",
  ]);
});

Deno.test("filterText() drops a sentence unrelated to the question", () => {
  const r = filterText(
    "Weng earns $12 an hour. The shoe size of Ada's father is 9. Yesterday, she did 50 " +
      "minutes of babysitting. How much did she earn?",
  );
  assert.deepEqual(r.dropped, [
    { sentence: "The shoe size of Ada's father is 9.", reason: "irrelevant" },
  ]);
  assert.equal(r.context, "Weng earns $12 an hour. Yesterday, she did 50 minutes of babysitting.");
});

Deno.test("filterText() keeps quantity sentences linked through other quantity sentences", () => {
  const r = filterText(
    "A movie ticket costs $13. Julie buys tickets for 4 friends and herself. She pays with a " +
      "$100 bill. How much change does she get?",
  );
  assert.deepEqual(r.dropped, []);
  assert.equal(r.kept.length, 4);
});

Deno.test("filterText() keeps a sentence that refers back with 'twice as far'", () => {
  const r = filterText(
    "Lena drove 40 miles on Monday. On Tuesday she drove twice as far. How far did Lena drive?",
  );
  assert.deepEqual(r.dropped, []);
});

Deno.test("filterText() finds an imperative question and keeps all without any question", () => {
  assert.equal(
    filterText("Tom has 3 pens. Find the number of pens Tom has.").question,
    "Find the number of pens Tom has.",
  );
  const r = filterText("Tom has 3 pens. Ada has 2 cats. I think so.");
  assert.equal(r.question, "");
  assert.deepEqual(r.dropped, [{ sentence: "I think so.", reason: "opinion" }]);
  assert.deepEqual(r.kept, ["Tom has 3 pens.", "Ada has 2 cats."]);
});

Deno.test("filterText() never treats a suggested answer phrased as a question as the question", () => {
  const r = filterText("Ben has 5 cards. How many cards does Ben have? Could it be 6?");
  assert.equal(r.question, "How many cards does Ben have?");
  assert.deepEqual(r.dropped, [{ sentence: "Could it be 6?", reason: "suggestion" }]);
});

Deno.test("stem() matches plural and singular forms", () => {
  assert.equal(stem("berries"), stem("berry"));
  assert.equal(stem("movies"), stem("movie"));
  assert.equal(stem("boxes"), stem("box"));
  assert.equal(stem("apples"), stem("apple"));
});
