/**
 * Self-RAG marks every request it asks for `role: "reader"` (the gate, the evidence-free
 * answer, the segment candidates, the critiques, in every mode, with and without reflection
 * tokens), so a client may run them on a reader model; the run's adapter stays on them; the
 * other stages of a pipeline keep their own roles (CoVe's "cove").
 *
 * @module
 */
import assert from "node:assert/strict";
import { GenerateRequest, type StepResult } from "../../../shared/pipeline.ts";
import { drive, FakeRetriever, passage, pipelineApp, type Run } from "../pipeline/fake_client.ts";

const Q = "Where is the Eiffel Tower?";
const P1 = passage("eiffel#0", "Eiffel Tower", "The Eiffel Tower is in Paris.");
const P2 = passage("pisa#0", "Tower of Pisa", "The Leaning Tower is in Pisa.");

/** A client that answers any request: the first score string most likely, a short text. */
function anyClient(r: GenerateRequest): Omit<StepResult, "id"> {
  const scores = r.score_tokens === undefined
    ? undefined
    : Object.fromEntries(r.score_tokens.map((t, i) => [t, i === 0 ? 0.7 : 0.3 / i]));
  const text = r.max_tokens === 0
    ? ""
    : /\.selfrag\.c\d+$/.test(r.id)
    ? "[Relevant]It is in Paris.[Fully supported][Utility:5]"
    : r.id.endsWith(".plan")
    ? "The tower is in Paris, in which city is the Eiffel Tower?"
    : "It is in Paris.";
  return { text, ...(scores !== undefined ? { scores } : {}) };
}

function run(selfrag: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return drive(pipelineApp(new FakeRetriever([P1, P2])), {
    pipeline: ["selfrag"],
    input: { messages: [{ role: "user", content: Q }] },
    options: { selfrag, ...extra },
  }, anyClient);
}

/** Each request's id tail (after the run's round prefix) and its role. */
const roles = (r: Run) => r.batches.flat().map((q) => [q.id.replace(/^\d+\./, ""), q.role]);

Deno.test("selfrag marks the gate, candidates and critiques role 'reader' (reflection tokens)", async () => {
  const r = await run({ mode: "adaptive", max_depth: 1, k: 2 });
  assert.equal(r.batches.length, 3, "gate, candidates, critiques");
  assert.deepEqual(roles(r), [
    ["selfrag.gate", "reader"],
    ["selfrag.c1", "reader"],
    ["selfrag.c2", "reader"],
    ["selfrag.c1.sup", "reader"],
    ["selfrag.c1.use", "reader"],
    ["selfrag.c2.sup", "reader"],
    ["selfrag.c2.use", "reader"],
  ]);
  assert.equal(r.final.output, "It is in Paris.");
});

Deno.test("selfrag marks its judge prompts and the evidence-free answer role 'reader'", async () => {
  const judged = await run({ mode: "adaptive", max_depth: 1, k: 1, reflection_tokens: false });
  const ids = judged.batches.flat().map((q) => q.id.replace(/^\d+\./, ""));
  assert.deepEqual(ids.slice(0, 2), ["selfrag.gate", "selfrag.answer"]);
  assert.ok(ids.includes("selfrag.c1.rel") && ids.includes("selfrag.c1.sup"), ids.join(","));
  assert.ok(judged.batches.flat().every((q) => q.role === "reader"), JSON.stringify(roles(judged)));

  const plain = await run({ mode: "no_retrieval" }, { stream: true });
  assert.deepEqual(roles(plain), [["selfrag.answer", "reader"]]);
  assert.equal(plain.batches[0]?.[0]?.stream, true, "the final answer still streams");

  const always = await run({ mode: "always", max_depth: 1, k: 1 });
  assert.deepEqual(roles(always), [
    ["selfrag.c1", "reader"],
    ["selfrag.c1.sup", "reader"],
    ["selfrag.c1.use", "reader"],
  ]);
});

Deno.test("selfrag reader requests keep the run's adapter; CoVe after it keeps its own role", async () => {
  const r = await drive(pipelineApp(new FakeRetriever([P1])), {
    pipeline: ["selfrag", "cove"],
    input: { messages: [{ role: "user", content: Q }] },
    options: { adapter: "tiny-qa", selfrag: { max_depth: 1, k: 1 } },
  }, anyClient);
  const rows = r.batches.flat();
  const selfrag = rows.filter((q) => q.id.includes(".selfrag."));
  const cove = rows.filter((q) => q.id.includes(".cove."));
  assert.ok(selfrag.length >= 3 && cove.length >= 2, JSON.stringify(roles(r)));
  assert.ok(selfrag.every((q) => q.role === "reader" && q.adapter === "tiny-qa"));
  assert.ok(cove.every((q) => q.role === "cove" && q.adapter === "tiny-qa"));
});

Deno.test("the step protocol accepts role 'reader' with an adapter, and no unknown role", () => {
  const base = { id: "1.selfrag.gate", prompt: "q", max_tokens: 4, temperature: 0, stop: [] };
  assert.ok(GenerateRequest.safeParse({ ...base, role: "reader", adapter: "terse" }).success);
  assert.ok(!GenerateRequest.safeParse({ ...base, role: "generator" }).success);
});
