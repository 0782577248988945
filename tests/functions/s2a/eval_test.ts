// The fixture holds the 40 GSM8K questions that `functions/s2a/eval.ts` samples from
// ../shared/data/gsm8k/train.jsonl (MIT) with EVAL_SEED, written with --write-sample, so
// this test scores exactly the set the script reports on.
import assert from "node:assert/strict";
import {
  buildEvalSet,
  GSM8K_COUNT,
  scoreFilter,
  TEMPLATE_COUNT,
} from "../../../functions/s2a/eval.ts";
import { splitSentences } from "../../../functions/s2a/sentences.ts";

const questions =
  (await Deno.readTextFile(new URL("./fixtures/gsm8k_questions.jsonl", import.meta.url)))
    .split("\n").filter((l) => l.trim() !== "").map((l) =>
      (JSON.parse(l) as { question: string }).question
    );

Deno.test("the S2A evaluation set has at least 60 problems with gold distractors in their text", () => {
  const problems = buildEvalSet(questions);
  assert.equal(questions.length, GSM8K_COUNT);
  assert.equal(problems.length, TEMPLATE_COUNT + GSM8K_COUNT);
  assert.ok(problems.length >= 60);
  for (const p of problems) {
    assert.ok(p.distractors.length >= 1 && p.distractors.length <= 3);
    const sentences = splitSentences(p.text);
    for (const d of p.distractors) assert.ok(sentences.includes(d.sentence), d.sentence);
    assert.ok(p.text.includes(p.original[p.original.length - 1] ?? "\u0000"));
  }
  const kinds = new Set(problems.flatMap((p) => p.distractors.map((d) => d.kind)));
  assert.deepEqual([...kinds].sort(), ["irrelevant", "opinion"]);
});

Deno.test("buildEvalSet() is deterministic for a seed", () => {
  assert.deepEqual(buildEvalSet(questions), buildEvalSet(questions));
  assert.notDeepEqual(buildEvalSet(questions, 1), buildEvalSet(questions, 2));
});

// Floors: the measured figures (precision 0.992, recall 0.874, opinion recall 1.000,
// irrelevant recall 0.766, question accuracy 1.000) truncated to two decimals.
Deno.test("the filter's precision and recall of dropped sentences stay at the measured level", () => {
  const s = scoreFilter(buildEvalSet(questions));
  assert.ok(s.precision >= 0.99, `precision ${s.precision}`);
  assert.ok(s.recall >= 0.87, `recall ${s.recall}`);
  assert.ok(s.recallOpinion >= 1.0, `opinion recall ${s.recallOpinion}`);
  assert.ok(s.recallIrrelevant >= 0.76, `irrelevant recall ${s.recallIrrelevant}`);
  assert.ok(s.questionAccuracy >= 1.0, `question accuracy ${s.questionAccuracy}`);
});
