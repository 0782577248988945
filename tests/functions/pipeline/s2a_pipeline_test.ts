import assert from "node:assert/strict";
import { s2aPrompt } from "../../../functions/s2a/prompts.ts";
import { drive, FakeRetriever, pipelineApp, textOf } from "./fake_client.ts";

const INPUT =
  "Tom has 3 apples and buys 4 more. I think the answer is 9 but my professor said 6. " +
  "How many apples does Tom have?";
const REWRITE = "**Unbiased text context (includes all content except user's bias):** Tom has 3 " +
  "apples and buys 4 more.\n\n**Question/Query (does not include user bias/preference):** How " +
  "many apples does Tom have?";

Deno.test("s2a pipeline: rewrite with the paper's prompt, then answer from x' alone", async () => {
  const app = pipelineApp(new FakeRetriever([]));
  const run = await drive(app, {
    pipeline: ["s2a"],
    input: {
      messages: [{ role: "system", content: "Be brief." }, { role: "user", content: INPUT }],
    },
    options: { stream: true },
  }, (r) => (r.id.endsWith("rewrite") ? REWRITE : "7"));
  assert.equal(run.batches.length, 2);
  const [rewrite] = run.batches[0] ?? [];
  assert.deepEqual(rewrite?.messages, [{ role: "user", content: s2aPrompt(INPUT, "unbiased") }]);
  assert.equal(rewrite?.stream, undefined, "only the final answer request streams");
  const [answer] = run.batches[1] ?? [];
  const xPrime = "Tom has 3 apples and buys 4 more.\n\nHow many apples does Tom have?";
  assert.deepEqual(answer?.messages, [{ role: "user", content: xPrime }]);
  assert.equal(answer?.stream, true);
  assert.ok(!textOf(answer!).includes("professor"), "the original x is discarded");
  assert.equal(run.final.output, "7");
  const rw = run.final.trace.find((e) => e.event === "rewrite");
  assert.equal(rw?.stage, "s2a");
  assert.equal(rw?.data.original, INPUT);
  assert.equal(rw?.data.rewritten, xPrime);
  assert.equal(rw?.data.parse, "labelled");
});

Deno.test("s2a pipeline: the relevance variant sends the relevance prompt", async () => {
  const app = pipelineApp(new FakeRetriever([]));
  const run = await drive(app, {
    pipeline: ["s2a"],
    input: { messages: [{ role: "user", content: INPUT }] },
    options: { s2a: { variant: "relevance" } },
  }, (r) => (r.id.endsWith("rewrite") ? "Detailed question: How many apples?\n\nTom has 3." : "3"));
  assert.equal(run.batches[0]?.[0]?.messages?.[0]?.content, s2aPrompt(INPUT, "relevance"));
  assert.equal(run.batches[1]?.[0]?.messages?.[0]?.content, "Tom has 3.\n\nHow many apples?");
  assert.equal(run.final.trace[0]?.data.parse, "partial");
});
