import assert from "node:assert/strict";
import type { GenerateRequest, StepResult } from "../../../shared/pipeline.ts";
import { drive, FakeRetriever, passage, pipelineApp, textOf } from "./fake_client.ts";

const INPUT =
  "The Eiffel Tower is a famous landmark. I think it is in Rome. Where is the Eiffel Tower?";
const P1 = passage("eiffel#0", "Eiffel Tower", "The Eiffel Tower is in Paris.");

function client(r: GenerateRequest): Omit<StepResult, "id"> | string {
  const p = textOf(r);
  if (r.id.endsWith(".rewrite")) {
    return "Unbiased text context (includes all content except user's bias): The Eiffel Tower is a " +
      "famous landmark.\nQuestion/Query (does not include user bias/preference): Where is the Eiffel Tower?";
  }
  if (r.id.endsWith(".gate")) {
    return { text: "[No Retrieval]Rome", scores: { "[Retrieval]": 0.9, "[No Retrieval]": 0.1 } };
  }
  if (r.id.endsWith(".sup")) {
    return {
      text: "",
      scores: {
        "[Fully supported]": 1,
        "[Partially supported]": 0,
        "[No support / Contradictory]": 0,
      },
    };
  }
  if (r.id.endsWith(".use")) {
    return {
      text: "",
      scores: {
        "[Utility:1]": 0,
        "[Utility:2]": 0,
        "[Utility:3]": 0,
        "[Utility:4]": 0,
        "[Utility:5]": 1,
      },
    };
  }
  if (/selfrag\.c\d+$/.test(r.id)) {
    return {
      text: "[Relevant]It is in Paris.[Fully supported][Utility:5]",
      scores: { "[Relevant]": 1, "[Irrelevant]": 0 },
    };
  }
  if (r.id.endsWith(".plan")) return "The tower is in Paris, in which city is the Eiffel Tower?";
  if (/verify\d$/.test(r.id)) return " Paris";
  if (r.id.endsWith(".final")) return " The Eiffel Tower is in Paris.";
  throw new Error(`unexpected ${r.id}: ${p}`);
}

Deno.test("s2a -> selfrag -> cove: each stage feeds the next and the trace records every decision", async () => {
  const retriever = new FakeRetriever([P1]);
  const run = await drive(pipelineApp(retriever), {
    pipeline: ["s2a", "selfrag", "cove"],
    input: { messages: [{ role: "user", content: INPUT }] },
    options: { stream: true, adapter: "tiny-qa", selfrag: { max_depth: 1 } },
  }, client);
  const stages = run.batches.map((b) => b[0]?.id.split(".")[1]);
  assert.deepEqual(stages, ["s2a", "selfrag", "selfrag", "selfrag", "cove", "cove", "cove"]);
  const xPrime = "The Eiffel Tower is a famous landmark.\n\nWhere is the Eiffel Tower?";
  // Self-RAG sees x' only: the opinion is gone.
  assert.equal(run.batches[1]?.[0]?.prompt, `### Instruction:\n${xPrime}\n\n### Response:\n`);
  assert.deepEqual(retriever.queries, [xPrime]);
  // CoVe takes Self-RAG's answer as its draft: no baseline request.
  assert.equal(
    textOf(run.batches[4]![0]!),
    `Context: Q: ${xPrime}\nA: It is in Paris.\nResponse:\n`,
  );
  assert.ok(
    run.batches.flat().every((r) => r.adapter === "tiny-qa"),
    "the adapter reaches every request",
  );
  assert.deepEqual(run.batches.flat().filter((r) => r.stream).map((r) => r.id), [
    run.batches[6]![0]!.id,
  ]);
  assert.equal(run.final.output, "The Eiffel Tower is in Paris.");
  assert.deepEqual(run.final.trace.map((e) => `${e.stage}:${e.event}`), [
    "s2a:rewrite",
    "selfrag:gate",
    "selfrag:retrieve",
    "selfrag:critique",
    "selfrag:beam",
    "selfrag:select",
    "cove:baseline",
    "cove:plan",
    "cove:verify",
    "cove:final",
  ]);
  const ids = run.batches.flat().map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, "request ids are unique across the run");
});

Deno.test("s2a -> cove: cove answers the rewrite with its own baseline", async () => {
  const run = await drive(pipelineApp(new FakeRetriever([])), {
    pipeline: ["s2a", "cove"],
    input: { messages: [{ role: "user", content: INPUT }] },
  }, (r) => (r.id.endsWith(".baseline") ? " Paris" : client(r)));
  assert.equal(
    textOf(run.batches[1]![0]!),
    "Q: The Eiffel Tower is a famous landmark.\n\nWhere is the Eiffel Tower?\nA:",
  );
  assert.equal(run.final.output, "The Eiffel Tower is in Paris.");
});
