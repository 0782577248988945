import assert from "node:assert/strict";
import type { GenerateRequest, StepResult } from "../../../shared/pipeline.ts";
import { drive, FakeRetriever, passage, pipelineApp, textOf } from "./fake_client.ts";

const P1 = passage("a#0", "Alpha", "Alpha text.");
const P2 = passage("b#0", "Beta", "Beta text.");
const start = (pipeline: string[], options: Record<string, unknown>) => ({
  pipeline,
  input: { messages: [{ role: "user", content: "Tell me about alpha." }] },
  options,
});

Deno.test("max_tokens and temperature reach the answer requests", async () => {
  const run = await drive(
    pipelineApp(new FakeRetriever([])),
    start(["cove"], { max_tokens: 77, temperature: 0.7 }),
    (r) => (r.id.endsWith("baseline") ? " x" : "none"),
  );
  assert.equal(run.batches[0]?.[0]?.max_tokens, 77);
  assert.ok(run.batches.flat().every((r) => r.temperature === 0.7));
});

Deno.test("cove max_questions caps the verification batch", async () => {
  const plan = "Where is A?\nWhere is B?\nWhere is C?\nWhere is D?";
  const run = await drive(
    pipelineApp(new FakeRetriever([])),
    start(["cove"], { cove: { variant: "factored", max_questions: 2 } }),
    (r) => (r.id.endsWith("baseline") ? " x" : r.id.endsWith("plan") ? plan : "y"),
  );
  assert.deepEqual(run.batches[2]?.map(textOf), ["Q: Where is A?\nA:", "Q: Where is B?\nA:"]);
});

// Reflection client where Alpha is relevant but unsupported, Beta irrelevant but fully supported.
function weighted(r: GenerateRequest): Omit<StepResult, "id"> {
  const alpha = textOf(r).includes("<paragraph>Alpha");
  if (r.id.endsWith(".gate")) {
    return { text: "[No Retrieval]plain", scores: { "[Retrieval]": 0.15, "[No Retrieval]": 0.85 } };
  }
  if (r.id.endsWith(".sup")) {
    return {
      text: "",
      scores: {
        "[Fully supported]": alpha ? 0 : 1,
        "[Partially supported]": 0,
        "[No support / Contradictory]": alpha ? 1 : 0,
      },
    };
  }
  if (r.id.endsWith(".use")) {
    return {
      text: "",
      scores: {
        "[Utility:1]": 0,
        "[Utility:2]": 0,
        "[Utility:3]": 1,
        "[Utility:4]": 0,
        "[Utility:5]": 0,
      },
    };
  }
  return {
    text: alpha ? "[Relevant]A." : "[Irrelevant]B.",
    scores: { "[Relevant]": alpha ? 1 : 0, "[Irrelevant]": alpha ? 0 : 1 },
  };
}

Deno.test("selfrag delta moves the retrieval decision", async () => {
  const app = pipelineApp(new FakeRetriever([P1, P2]));
  // p = 0.15: below the default 0.2, above 0.1.
  const low = await drive(app, start(["selfrag"], { selfrag: { max_depth: 1 } }), weighted);
  assert.equal(low.final.output, "plain");
  const high = await drive(
    app,
    start(["selfrag"], { selfrag: { max_depth: 1, delta: 0.1 } }),
    weighted,
  );
  assert.notEqual(high.final.output, "plain");
});

Deno.test("selfrag critique weights decide which segment wins", async () => {
  const app = pipelineApp(new FakeRetriever([P1, P2]));
  const base = { mode: "always", max_depth: 1 };
  // Equal weights: S(A) = 1 + 0 = 1, S(B) = 0 + 1 = 1 -> tie, the first (Alpha) wins.
  const tie = await drive(app, start(["selfrag"], { selfrag: base }), weighted);
  assert.equal(tie.final.output, "A.");
  const sup = await drive(app, start(["selfrag"], { selfrag: { ...base, w_rel: 0.5 } }), weighted);
  assert.equal(sup.final.output, "B.");
  const rel = await drive(app, start(["selfrag"], { selfrag: { ...base, w_sup: 0.5 } }), weighted);
  assert.equal(rel.final.output, "A.");
});

Deno.test("selfrag beam_width 1 expands only the best node; judges decide to go deeper", async () => {
  const retriever = new FakeRetriever([P1, P2]);
  const run = await drive(
    pipelineApp(retriever),
    start(["selfrag"], {
      selfrag: { mode: "always", reflection_tokens: false, beam_width: 1, max_depth: 2 },
    }),
    (r): Omit<StepResult, "id"> => {
      const p = textOf(r);
      const alpha = p.includes("Alpha text.");
      if (r.id.endsWith(".rel")) {
        return { text: "", scores: { Relevant: alpha ? 0.9 : 0.1, Irrelevant: alpha ? 0.1 : 0.9 } };
      }
      if (r.id.endsWith(".sup")) return { text: "", scores: { Fully: 1, Partially: 0, No: 0 } };
      if (r.id.endsWith(".use")) {
        return { text: "", scores: { "1": 0, "2": 0, "3": 1, "4": 0, "5": 0 } };
      }
      // Incomplete after one segment, complete after two.
      if (r.id.endsWith(".done")) {
        return {
          text: "",
          scores: p.includes("More.") ? { Yes: 0.9, No: 0.1 } : { Yes: 0.2, No: 0.8 },
        };
      }
      return { text: p.includes("### Response:\nFirst.") ? "More." : "First." };
    },
  );
  assert.equal(run.batches.length, 4);
  assert.equal(
    run.batches[1]?.filter((r) => r.id.endsWith(".done")).length,
    2,
    "asked at depth 0 only",
  );
  assert.equal(run.batches[2]?.length, 2, "one node x two passages");
  assert.ok(run.batches[2]?.every((r) => r.prompt?.includes("### Response:\nFirst. [Retrieval]")));
  assert.equal(run.final.output, "First. More.");
  assert.deepEqual(retriever.queries, ["Tell me about alpha.", "Tell me about alpha. First."]);
});

Deno.test("selfrag with no passages falls back to an answer without evidence", async () => {
  const run = await drive(
    pipelineApp(new FakeRetriever([])),
    start(["selfrag"], { selfrag: { mode: "always" } }),
    () => "Unknown.",
  );
  assert.equal(run.batches.length, 1);
  assert.equal(run.batches[0]?.[0]?.prompt?.endsWith("[No Retrieval]"), true);
  assert.ok(run.final.trace.some((e) => e.event === "no_passages"));
  assert.equal(run.final.output, "Unknown.");
});
