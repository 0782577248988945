import assert from "node:assert/strict";
import { rootNode, topK } from "../../../functions/selfrag/beam.ts";
import {
  candidateParts,
  candidatePrompt,
  instructionPrompt,
} from "../../../functions/selfrag/prompts.ts";
import {
  REFLECTION_TOKENS,
  stripReflection,
  UTILITY_WEIGHTS,
} from "../../../functions/selfrag/tokens.ts";

Deno.test("the reflection vocabulary is Self-RAG's, spelled exactly", () => {
  assert.deepEqual(REFLECTION_TOKENS, [
    "[Retrieval]",
    "[No Retrieval]",
    "[Continue to Use Evidence]",
    "[Relevant]",
    "[Irrelevant]",
    "[Fully supported]",
    "[Partially supported]",
    "[No support / Contradictory]",
    "[Utility:1]",
    "[Utility:2]",
    "[Utility:3]",
    "[Utility:4]",
    "[Utility:5]",
    "<paragraph>",
    "</paragraph>",
  ]);
  assert.deepEqual(UTILITY_WEIGHTS, [-1, -0.5, 0, 0.5, 1]);
});

Deno.test("prompts follow the Self-RAG format", () => {
  assert.equal(instructionPrompt("Q?"), "### Instruction:\nQ?\n\n### Response:\n");
  assert.equal(
    candidatePrompt("Q?", "So far. ", { title: "T", text: "Body." }),
    "### Instruction:\nQ?\n\n### Response:\nSo far. [Retrieval]<paragraph>T\nBody.</paragraph>",
  );
});

Deno.test("stripReflection() keeps only the answer text", () => {
  assert.equal(stripReflection("[Relevant]Paris.[Fully supported][Utility:5]</s>"), "Paris.");
  assert.equal(stripReflection("[Retrieval]<paragraph>T\nx</paragraph>Rome"), "Rome");
});

Deno.test("candidateParts() reads IsSup and IsUse where the model wrote them", () => {
  assert.deepEqual(candidateParts("[Relevant]A.[Partially supported][Utility:4]"), {
    raw: "[Relevant]A.[Partially supported][Utility:4]",
    wantsMore: false,
    supPrefix: "[Relevant]A.",
    usePrefix: "[Relevant]A.[Partially supported]",
  });
  // No reflection tokens after the segment: both are read at its end.
  assert.deepEqual(candidateParts("[Relevant]A.</s>"), {
    raw: "[Relevant]A.</s>",
    wantsMore: false,
    supPrefix: "[Relevant]A.",
    usePrefix: "[Relevant]A.",
  });
  // [Retrieval] after the segment: the model wants more evidence; later text is ignored.
  const more = candidateParts("[Relevant]A.[Fully supported][Retrieval]<paragraph>");
  assert.equal(more.wantsMore, true);
  assert.equal(more.usePrefix, "[Relevant]A.[Fully supported]");
});

Deno.test("topK() keeps the best, stable on ties", () => {
  const xs = [{ score: 1, n: "a" }, { score: 3, n: "b" }, { score: 3, n: "c" }, {
    score: 2,
    n: "d",
  }];
  assert.deepEqual(topK(xs, 2).map((x) => x.n), ["b", "c"]);
  assert.equal(rootNode().score, 1);
});
