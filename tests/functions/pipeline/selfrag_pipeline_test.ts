import assert from "node:assert/strict";
import type { GenerateRequest, StepResult, TraceEvent } from "../../../shared/pipeline.ts";
import { drive, FakeRetriever, passage, pipelineApp, postJson, textOf } from "./fake_client.ts";

const Q = "Where is the Eiffel Tower?";
const P1 = passage("eiffel#0", "Eiffel Tower", "The Eiffel Tower is in Paris.");
const P2 = passage("pisa#0", "Tower of Pisa", "The Leaning Tower is in Pisa.");
const HEAD = `### Instruction:\n${Q}\n\n### Response:\n`;
const EV1 = "[Retrieval]<paragraph>Eiffel Tower\nThe Eiffel Tower is in Paris.</paragraph>";
const EV2 = "[Retrieval]<paragraph>Tower of Pisa\nThe Leaning Tower is in Pisa.</paragraph>";

const close = (a: unknown, b: number) =>
  assert.ok(Math.abs((a as number) - b) < 1e-12, `${a} != ${b}`);
const start = (selfrag: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  pipeline: ["selfrag"],
  input: { messages: [{ role: "user", content: Q }] },
  options: { selfrag, ...extra },
});
const utility = (p: number[]) => Object.fromEntries(p.map((x, i) => [`[Utility:${i + 1}]`, x]));
const support = (f: number, p: number, n: number) => ({
  "[Fully supported]": f,
  "[Partially supported]": p,
  "[No support / Contradictory]": n,
});
const event = (trace: TraceEvent[], name: string) => trace.filter((e) => e.event === name);

// One reflection-token client: candidate texts and critique probabilities keyed by passage.
function reflectionClient(gate: [number, number]) {
  return (r: GenerateRequest): Omit<StepResult, "id"> => {
    const p = textOf(r);
    if (r.id.endsWith(".gate")) {
      return {
        text: "[No Retrieval]It is in Rome.",
        scores: { "[Retrieval]": gate[0], "[No Retrieval]": gate[1] },
      };
    }
    const paris = p.includes("Eiffel Tower\nThe Eiffel");
    if (r.id.endsWith(".sup")) {
      return { text: "", scores: paris ? support(0.6, 0.2, 0.2) : support(0.1, 0.1, 0.8) };
    }
    if (r.id.endsWith(".use")) {
      return {
        text: "",
        scores: paris ? utility([0, 0, 0.2, 0.3, 0.5]) : utility([0.5, 0.5, 0, 0, 0]),
      };
    }
    return paris
      ? {
        text: "[Relevant]It is in Paris.[Fully supported][Utility:5]",
        scores: { "[Relevant]": 0.9, "[Irrelevant]": 0.1 },
      }
      : {
        text: "[Irrelevant]It is in Pisa.[No support / Contradictory][Utility:2]",
        scores: { "[Relevant]": 0.2, "[Irrelevant]": 0.6 },
      };
  };
}

Deno.test("selfrag adaptive: gate > delta retrieves, one candidate per passage, best segment wins", async () => {
  const retriever = new FakeRetriever([P1, P2]);
  const run = await drive(
    pipelineApp(retriever),
    start({ mode: "adaptive", max_depth: 1 }),
    reflectionClient([0.3, 0.6]),
  );
  assert.equal(run.batches.length, 3, "gate, candidates, critiques");
  assert.deepEqual(run.batches[0]?.[0]?.score_tokens, ["[Retrieval]", "[No Retrieval]"]);
  assert.equal(run.batches[0]?.[0]?.prompt, HEAD);
  assert.deepEqual(run.batches[1]?.map((r) => r.prompt), [HEAD + EV1, HEAD + EV2]);
  assert.deepEqual(run.batches[1]?.[0]?.score_tokens, ["[Relevant]", "[Irrelevant]"]);
  assert.deepEqual(run.batches[2]?.map((r) => r.prompt), [
    HEAD + EV1 + "[Relevant]It is in Paris.",
    HEAD + EV1 + "[Relevant]It is in Paris.[Fully supported]",
    HEAD + EV2 + "[Irrelevant]It is in Pisa.",
    HEAD + EV2 + "[Irrelevant]It is in Pisa.[No support / Contradictory]",
  ]);
  assert.ok(run.batches[2]?.every((r) => r.max_tokens === 0));
  assert.deepEqual(retriever.queries, [Q]);
  assert.equal(run.final.output, "It is in Paris.");
  const gate = event(run.final.trace, "gate")[0]?.data;
  close(gate?.p_retrieval, 1 / 3);
  assert.equal(gate?.retrieve, true);
  const [c1, c2] = event(run.final.trace, "critique")[0]?.data.candidates as Record<
    string,
    number
  >[];
  // c1: rel 0.9/(0.9+0.1); sup (0.6 + 0.5*0.2)/1; use 0.3*0.5 + 0.5*1; S = 0.9 + 0.7 + 0.5*0.65
  close(c1?.rel, 0.9);
  close(c1?.sup, 0.7);
  close(c1?.use, 0.65);
  close(c1?.segment_score, 1.925);
  // c2: rel 0.2/0.8; sup (0.1 + 0.05)/1; use (-0.5 - 0.25)/1; S = 0.25 + 0.15 - 0.375
  close(c2?.rel, 0.25);
  close(c2?.sup, 0.15);
  close(c2?.use, -0.75);
  close(c2?.segment_score, 0.025);
  const retrieved = event(run.final.trace, "retrieve")[0]?.data.passages as {
    passage_id: string;
  }[];
  assert.deepEqual(retrieved.map((p) => p.passage_id), ["eiffel#0", "pisa#0"]);
});

Deno.test("selfrag adaptive: p[Retrieval] normalized at or below delta answers without retrieval", async () => {
  const retriever = new FakeRetriever([P1, P2]);
  const run = await drive(
    pipelineApp(retriever),
    start({ mode: "adaptive" }),
    reflectionClient([0.2, 0.8]),
  );
  assert.equal(run.batches.length, 1);
  assert.equal(run.final.output, "It is in Rome.");
  close(event(run.final.trace, "gate")[0]?.data.p_retrieval, 0.2);
  assert.deepEqual(retriever.queries, []);
});

Deno.test("selfrag no_retrieval: one [No Retrieval] request that may stream", async () => {
  const run = await drive(
    pipelineApp(new FakeRetriever([P1])),
    start({ mode: "no_retrieval" }, { stream: true }),
    () => "Paris.[Utility:4]",
  );
  assert.equal(run.batches.length, 1);
  assert.equal(run.batches[0]?.[0]?.prompt, HEAD + "[No Retrieval]");
  assert.equal(run.batches[0]?.[0]?.stream, true);
  assert.equal(run.final.output, "Paris.");
});

Deno.test("selfrag always: beam search to depth 2, node score = segment score x parent score", async () => {
  const retriever = new FakeRetriever([P1, P2]);
  const texts: Record<string, [string, number, number]> = {
    // prefix|passage -> candidate text, p[Relevant], p[Irrelevant]
    "|Eiffel": ["[Relevant]Part one.[Fully supported][Retrieval]", 0.8, 0.2],
    "|Pisa": ["[Relevant]Alt one.[Partially supported][Utility:3]", 0.5, 0.5],
    "Part one. |Eiffel": ["[Relevant]Part two.[Fully supported][Utility:5]", 1, 0],
    "Part one. |Pisa": ["[Irrelevant]Nope.[No support / Contradictory][Utility:1]", 0, 1],
  };
  const keyOf = (p: string) => {
    const prefix = p.slice(HEAD.length, p.indexOf("[Retrieval]<paragraph>"));
    return `${prefix}|${p.includes("Eiffel Tower\n") ? "Eiffel" : "Pisa"}`;
  };
  const run = await drive(
    pipelineApp(retriever),
    start({ mode: "always", max_depth: 2, beam_width: 2, k: 2 }),
    (r): Omit<StepResult, "id"> => {
      const p = textOf(r);
      const [text, rel, irr] = texts[keyOf(p)] ?? ["", 0, 0];
      if (r.id.endsWith(".sup")) {
        const s = text.includes("[Fully")
          ? support(1, 0, 0)
          : text.includes("[Partially")
          ? support(0, 1, 0)
          : support(0, 0, 1);
        return { text: "", scores: s };
      }
      if (r.id.endsWith(".use")) {
        const u = text.includes("Part one.[Fully supported][Retrieval]")
          ? [0, 0, 1, 0, 0]
          : text.includes("Alt")
          ? [0, 0, 0, 0, 1]
          : text.includes("Part two")
          ? [0, 0, 0, 0, 1]
          : [1, 0, 0, 0, 0];
        return { text: "", scores: utility(u) };
      }
      return { text, scores: { "[Relevant]": rel, "[Irrelevant]": irr } };
    },
  );
  assert.equal(run.batches.length, 4, "candidates, critiques, candidates, critiques");
  assert.deepEqual(retriever.queries, [Q, `${Q} Part one.`]);
  assert.deepEqual(run.batches[2]?.map((r) => r.prompt), [
    HEAD + "Part one. " + EV1,
    HEAD + "Part one. " + EV2,
  ]);
  const [level0, level1] = event(run.final.trace, "critique").map((e) =>
    e.data.candidates as Record<string, unknown>[]
  );
  // Level 0: S(c1) = 0.8 + 1 + 0.5*0 = 1.8 (asks for more); S(c2) = 0.5 + 0.5 + 0.5*1 = 1.5 (done).
  close(level0?.[0]?.node_score, 1.8);
  assert.equal(level0?.[0]?.continues, true);
  close(level0?.[1]?.node_score, 1.5);
  assert.equal(level0?.[1]?.continues, false);
  // Level 1 under c1: S = 1 + 1 + 0.5 = 2.5 -> 2.5 * 1.8 = 4.5; S = 0 + 0 - 0.5 -> -0.9.
  close(level1?.[0]?.node_score, 4.5);
  close(level1?.[1]?.node_score, -0.9);
  assert.equal(run.final.output, "Part one. Part two.");
  const select = event(run.final.trace, "select")[0]?.data;
  close(select?.score, 4.5);
  assert.deepEqual(select?.passages, ["eiffel#0", "eiffel#0"]);
});

Deno.test("selfrag without reflection tokens: judge prompts scored from token probabilities", async () => {
  const run = await drive(
    pipelineApp(new FakeRetriever([P1, P2])),
    start({ mode: "adaptive", reflection_tokens: false, max_depth: 1 }),
    (r): Omit<StepResult, "id"> => {
      const p = textOf(r);
      const paris = p.includes("Eiffel Tower\nThe Eiffel");
      if (r.id.endsWith(".gate")) return { text: "", scores: { Yes: 0.5, No: 0.5 } };
      if (r.id.endsWith(".answer")) return { text: "Rome." };
      if (r.id.endsWith(".rel")) {
        return {
          text: "",
          scores: paris ? { Relevant: 0.8, Irrelevant: 0.2 } : { Relevant: 0.1, Irrelevant: 0.9 },
        };
      }
      if (r.id.endsWith(".sup")) {
        return {
          text: "",
          scores: paris ? { Fully: 0.5, Partially: 0.5, No: 0 } : { Fully: 0, Partially: 0, No: 1 },
        };
      }
      if (r.id.endsWith(".use")) {
        const u = p.includes("Answer: It is in Paris.") ? [0, 0, 0, 0, 1] : [1, 0, 0, 0, 0];
        return { text: "", scores: Object.fromEntries(u.map((x, i) => [`${i + 1}`, x])) };
      }
      return { text: paris ? "It is in Paris." : "It is in Pisa." };
    },
  );
  assert.deepEqual(run.batches[0]?.map((r) => r.score_tokens), [["Yes", "No"], undefined]);
  assert.ok(run.batches[0]?.[0]?.prompt?.includes("Answer Yes or No."));
  assert.equal(run.batches[1]?.[0]?.score_tokens, undefined);
  assert.deepEqual(run.batches[2]?.map((r) => r.score_tokens?.[0]), [
    "Relevant",
    "Fully",
    "1",
    "Relevant",
    "Fully",
    "1",
  ]);
  const [c1, c2] = event(run.final.trace, "critique")[0]?.data.candidates as Record<
    string,
    number
  >[];
  close(c1?.segment_score, 0.8 + 0.75 + 0.5); // rel 0.8, sup (0.5 + 0.25)/1, use 1
  close(c2?.segment_score, 0.1 + 0 - 0.5); // rel 0.1, sup 0, use -1
  assert.equal(run.final.output, "It is in Paris.");
});

Deno.test("selfrag sequence score adds exp(mean logprob) and requires token_logprobs", async () => {
  const app = pipelineApp(new FakeRetriever([P1]));
  const client = (r: GenerateRequest): Omit<StepResult, "id"> => {
    if (r.id.endsWith(".sup")) return { text: "", scores: support(1, 0, 0) };
    if (r.id.endsWith(".use")) return { text: "", scores: utility([0, 0, 0, 0, 1]) };
    return {
      text: "[Relevant]Paris.",
      scores: { "[Relevant]": 1, "[Irrelevant]": 0 },
      token_logprobs: [-0.1, -0.3],
    };
  };
  const run = await drive(
    app,
    start({ mode: "always", use_seq_score: true, max_depth: 1 }),
    client,
  );
  assert.equal(run.batches[0]?.[0]?.logprobs, true);
  const [c1] = event(run.final.trace, "critique")[0]?.data.candidates as Record<string, number>[];
  close(c1?.seq, Math.exp(-0.2));
  close(c1?.segment_score, 1 + 1 + 0.5 + Math.exp(-0.2));

  const first = await postJson(
    app,
    "/v1/pipelines/start",
    start({ mode: "always", use_seq_score: true }),
  );
  const id = first.body.actions[0].requests[0].id;
  const res = await postJson(app, "/v1/pipelines/step", {
    state: first.body.state,
    results: [{ id, text: "x", scores: { "[Relevant]": 1, "[Irrelevant]": 0 } }],
  });
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, "invalid_results");
});

Deno.test("selfrag refuses results without the asked score tokens", async () => {
  const app = pipelineApp(new FakeRetriever([P1]));
  const first = await postJson(app, "/v1/pipelines/start", start({ mode: "adaptive" }));
  const id = first.body.actions[0].requests[0].id;
  const res = await postJson(app, "/v1/pipelines/step", {
    state: first.body.state,
    results: [{ id, text: "x", scores: { "[Retrieval]": 0.5 } }],
  });
  assert.equal(res.status, 400);
  assert.equal(res.body.error.code, "invalid_results");
  assert.match(res.body.error.message, /\[No Retrieval\]/);
});
