/**
 * The pure parts of the sections: reading retrieval from a Self-RAG trace, the draft and the
 * verification questions from a CoVe trace, and the round-robin choice of chat prompts.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { TraceEvent } from "../../../shared/pipeline.ts";
import { coveTraceFacts } from "../../../tools/eval/sections/cove.ts";
import {
  scoreSelfRag,
  selfragGenerators,
  traceRetrieved,
} from "../../../tools/eval/sections/selfrag.ts";
import { interleave } from "../../../tools/eval/sections/speculative.ts";

Deno.test("traceRetrieved() is true when the gate retrieved or passages were fetched", () => {
  const gate = (retrieve: boolean): TraceEvent => ({
    stage: "selfrag",
    event: "gate",
    data: { p_retrieval: 0.3, delta: 0.2, retrieve },
  });
  const answer: TraceEvent = { stage: "selfrag", event: "answer", data: { retrieval: false } };
  assert.equal(traceRetrieved([gate(false), answer]), false);
  assert.equal(traceRetrieved([gate(true)]), true);
  assert.equal(traceRetrieved([{ stage: "selfrag", event: "retrieve", data: { depth: 0 } }]), true);
  // A retrieve event of another stage does not count.
  assert.equal(traceRetrieved([{ stage: "cove", event: "retrieve", data: {} }]), false);
});

Deno.test("coveTraceFacts() reads the baseline draft and the planned questions", () => {
  const trace: TraceEvent[] = [
    {
      stage: "cove",
      event: "baseline",
      data: { draft: "Arlen and Bly.", source: "baseline prompt" },
    },
    {
      stage: "cove",
      event: "plan",
      data: {
        raw: "...",
        questions: [{ fact: "a", question: "q1" }, { fact: "b", question: "q2" }],
      },
    },
    { stage: "cove", event: "final", data: { response: "Arlen." } },
  ];
  assert.deepEqual(coveTraceFacts(trace), { draft: "Arlen and Bly.", planned: ["q1", "q2"] });
  assert.deepEqual(coveTraceFacts([]), { draft: "", planned: [] });
});

Deno.test("interleave() takes the lists in turn up to n and skips exhausted ones", () => {
  assert.deepEqual(interleave([["a1", "a2", "a3"], ["b1"], ["c1", "c2"]], 5), [
    "a1",
    "b1",
    "c1",
    "a2",
    "c2",
  ]);
  assert.deepEqual(interleave([["a1"], ["b1"]], 10), ["a1", "b1"]);
  assert.deepEqual(interleave([], 3), []);
});

Deno.test("scoreSelfRag() pairs Self-RAG with the closed-book answers to the same items", () => {
  const item = (q: string, a: string) => ({
    id: q,
    kind: "corpus_only" as const,
    question: q,
    answers: [a],
    facts: [],
    documents: [],
  });
  const items = [item("q1", "judge"), item("q2", "1845"), item("q3", "Arlen"), item("q4", "Bly")];
  const closed = ["a judge", "in 1900", "no idea", "no idea"];
  const runs = [
    { output: "a judge", retrieved: false },
    { output: "in 1845", retrieved: true },
    { output: "Arlen.", retrieved: true },
    { output: "Blyth", retrieved: true },
  ];
  const s = scoreSelfRag("corpus_only", items, closed, runs, 1);
  assert.deepEqual(
    s.rows.map((r) => [r.method, r.metric, r.n, r.value]),
    [
      ["selfrag", "accuracy", 4, 75],
      ["selfrag", "retrieval_rate", 4, 75],
      ["selfrag_when_retrieved", "accuracy", 3, 100 * 2 / 3],
    ].map(([m, k, n, v]) => [m, k, n, Math.round((v as number) * 1e4) / 1e4]),
  );
  assert.equal(s.gain.points, 75 - 25);
  // Two items only Self-RAG got right, none only closed book: McNemar p = 2 / 4.
  assert.equal(s.gain.p_value, 0.5);
  assert.equal(s.summary["selfrag_accuracy_corpus_only"], 75);
  assert.match(s.rows[0]!.note ?? "", /^generator target;/);
  const t = scoreSelfRag("corpus_only", items, closed, runs, 1, {
    method: "selfrag_target",
    model: "target",
  });
  assert.deepEqual(t.rows.map((r) => r.method), [
    "selfrag_target",
    "selfrag_target",
    "selfrag_target_when_retrieved",
  ]);
  assert.equal(t.summary["selfrag_target_accuracy_corpus_only"], 75);
});

Deno.test("selfragGenerators() runs the reader as Self-RAG's generator only when the world has one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "verity_selfrag_gen_" });
  try {
    assert.deepEqual(await selfragGenerators(dir), [{ method: "selfrag", model: "target" }]);
    await Deno.mkdir(`${dir}/reader`);
    await Deno.writeTextFile(`${dir}/reader/config.json`, "{}");
    assert.deepEqual(await selfragGenerators(dir), [
      { method: "selfrag", model: "reader" },
      { method: "selfrag_target", model: "target" },
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
