import assert from "node:assert/strict";
import type { GenerateRequest, StepResult } from "../../../shared/pipeline.ts";
import { drive, FakeRetriever, pipelineApp, textOf } from "./fake_client.ts";

const QUESTION = "Ada buys 3 lamps at 40 coins each. How many coins does she pay?";
const RIGHT = "3 * 40 = <<3*40=120>>120 coins. The answer is 120.";
const WRONG_STEP = "3 * 40 = <<3*40=130>>130 coins. The answer is 130.";
const WRONG_FINAL = "3 * 40 = <<3*40=120>>120 coins. The answer is 150.";
const ASK = { messages: [{ role: "user", content: QUESTION }] };

type Row = { index: number; kept: boolean; score: number | null; final_answer: string | null };
type Data = Record<string, unknown>;

function start(options: Record<string, unknown>, pipeline = ["best_of_n"]) {
  return { pipeline, input: ASK, options: { best_of_n: { seed: 100, ...options } } };
}

/** Candidate i answers texts[i]; verifier requests answer p(Yes) from `yes` by solution. */
function client(texts: readonly string[], yes: (solution: string) => number = () => 0.5) {
  return (r: GenerateRequest): Omit<StepResult, "id"> | string => {
    const c = /\.best_of_n\.c(\d+)$/.exec(r.id);
    if (c !== null) return texts[Number(c[1])] ?? "";
    if (/\.best_of_n\.v\d+$/.test(r.id)) {
      const p = yes(textOf(r));
      return { text: "", scores: { Yes: p * 0.8, No: (1 - p) * 0.8 } };
    }
    if (r.id.endsWith("rewrite")) return "Question/Query: " + QUESTION;
    if (r.id.endsWith("plan")) return "none";
    throw new Error(`unexpected request ${r.id}`);
  };
}

function event(run: { final: { trace: { event: string; data: Data }[] } }, name: string): Data {
  const e = run.final.trace.find((x) => x.event === name);
  assert.ok(e, `trace has a ${name} event`);
  return e.data;
}
const rows = (run: Parameters<typeof event>[0]) => event(run, "candidates").candidates as Row[];
const round = (x: number | null) => (x === null ? null : Number(x.toFixed(6)));

Deno.test("best_of_n asks for n candidates as ONE batch: same prompt, distinct seeds, temperature > 0", async () => {
  const run = await drive(
    pipelineApp(new FakeRetriever([])),
    start({ n: 4, temperature: 0.7 }),
    client([RIGHT, RIGHT, RIGHT, RIGHT]),
  );
  assert.equal(run.batches.length, 1, "the arithmetic verifier needs no second action");
  const batch = run.batches[0] ?? [];
  assert.equal(batch.length, 4);
  assert.deepEqual(batch.map((r) => r.id), [0, 1, 2, 3].map((i) => `1.best_of_n.c${i}`));
  assert.deepEqual(new Set(batch.map(textOf)), new Set([QUESTION]));
  assert.deepEqual(batch.map((r) => r.seed), [100, 101, 102, 103]);
  assert.ok(batch.every((r) => r.temperature === 0.7 && r.role === "prover"));
  assert.equal(run.final.output, RIGHT);
});

Deno.test("best_of_n without a seed draws one and still gives every candidate its own", async () => {
  const run = await drive(pipelineApp(new FakeRetriever([])), {
    pipeline: ["best_of_n"],
    input: ASK,
    options: { best_of_n: { n: 8 } },
  }, client(Array(8).fill(RIGHT)));
  const seeds = (run.batches[0] ?? []).map((r) => r.seed ?? -1);
  assert.equal(new Set(seeds).size, 8);
  assert.ok(seeds.every((s, i) => s === (seeds[0] ?? 0) + i && s >= 0));
  assert.deepEqual((rows(run) as unknown as { seed: number }[]).map((r) => r.seed), seeds);
});

Deno.test("the arithmetic filter rejects a candidate with one wrong step and records its steps", async () => {
  const run = await drive(
    pipelineApp(new FakeRetriever([])),
    start({ n: 3, selection: "top" }),
    client([WRONG_STEP, RIGHT, WRONG_FINAL]),
  );
  const cands = event(run, "candidates").candidates as (Row & {
    steps: { expression: string; claimed: string; computed: string; ok: boolean }[];
    arithmetic_ok: boolean;
  })[];
  assert.deepEqual(cands.map((c) => [c.arithmetic_ok, c.kept, c.score, c.final_answer]), [
    [false, false, null, "130"],
    [true, true, 1, "120"],
    [true, true, 1, "150"],
  ]);
  const wrong = cands[0]?.steps.find((s) => s.claimed === "130");
  assert.deepEqual(
    wrong && { e: wrong.expression, c: wrong.computed, ok: wrong.ok },
    { e: "3*40", c: "120", ok: false },
  );
  // Top with equal scores takes the first survivor, the wrong step is never a candidate.
  assert.equal(run.final.output, RIGHT);
  assert.equal(event(run, "select").chosen, 1);
});

Deno.test("selection top takes the first best survivor, vote the most frequent answer", async () => {
  const texts = [WRONG_FINAL, WRONG_STEP, RIGHT, RIGHT];
  const app = pipelineApp(new FakeRetriever([]));
  const top = await drive(app, start({ selection: "top" }), client(texts));
  assert.equal(top.final.output, WRONG_FINAL);
  assert.deepEqual(event(top, "select").votes, []);
  const vote = await drive(app, start({ selection: "vote" }), client(texts));
  assert.equal(vote.final.output, RIGHT);
  const select = event(vote, "select");
  assert.equal(select.answer, "120");
  assert.equal(select.chosen, 2);
  assert.deepEqual(select.votes, [
    { answer: "120", weight: 2, count: 2, best: 2 },
    { answer: "150", weight: 1, count: 1, best: 0 },
  ]);
});

Deno.test("the learned verifier scores each survivor in ONE batch of role verifier requests", async () => {
  const texts = [RIGHT, WRONG_STEP, WRONG_FINAL];
  const run = await drive(
    pipelineApp(new FakeRetriever([])),
    {
      ...start({ n: 3, verifier: "both", selection: "top" }),
      options: { adapter: "tiny-math", best_of_n: { seed: 7, n: 3, verifier: "both" } },
    },
    client(texts, (p) => (p.includes("150") ? 0.9 : 0.6)),
  );
  assert.equal(run.batches.length, 2);
  const verify = run.batches[1] ?? [];
  assert.deepEqual(verify.map((r) => r.id), ["2.best_of_n.v0", "2.best_of_n.v2"]);
  assert.ok(
    verify.every((r) =>
      r.role === "verifier" && r.max_tokens === 0 && r.adapter === undefined &&
      JSON.stringify(r.score_tokens) === '["Yes","No"]'
    ),
  );
  assert.ok((run.batches[0] ?? []).every((r) => r.adapter === "tiny-math"));
  assert.equal(
    verify[0]?.prompt,
    `Problem: ${QUESTION}\nSolution: ${RIGHT}\nIs the solution correct? Answer Yes or No.\nAnswer:`,
  );
  const cands = rows(run) as (Row & { verifier_score: number | null })[];
  assert.deepEqual(cands.map((c) => round(c.verifier_score)), [0.6, null, 0.9]);
  // Vote (the default): one answer each, so the heavier single score wins.
  assert.equal(run.final.output, WRONG_FINAL);
});

Deno.test("learned scores order top and weight the vote, not the count alone", async () => {
  const texts = [RIGHT, WRONG_FINAL, RIGHT, WRONG_STEP];
  const app = pipelineApp(new FakeRetriever([]));
  const scoreOf = (high: number) => (p: string) =>
    p.includes("The answer is 150") ? 0.9 : p.includes("130") ? 0.95 : high;
  const top = await drive(
    app,
    start({ verifier: "learned", selection: "top" }),
    client(texts, scoreOf(0.4)),
  );
  // "learned" alone filters nothing: the wrong step is scored too, and wins top.
  assert.equal(top.batches[1]?.length, 4);
  assert.equal(top.final.output, WRONG_STEP);
  assert.deepEqual(rows(top).map((r) => round(r.score)), [0.4, 0.9, 0.4, 0.95]);
  const light = await drive(app, start({ verifier: "both" }), client(texts, scoreOf(0.4)));
  assert.equal(light.final.output, WRONG_FINAL, "0.9 for 150 outweighs 0.4 + 0.4 for 120");
  const heavy = await drive(app, start({ verifier: "both" }), client(texts, scoreOf(0.5)));
  assert.equal(heavy.final.output, RIGHT, "0.5 + 0.5 for 120 outweighs 0.9 for 150");
  const votes = event(heavy, "select").votes as { answer: string; weight: number }[];
  assert.deepEqual(votes.map((v) => [v.answer, round(v.weight)]), [["120", 1], ["150", 0.9]]);
});

Deno.test("a custom verifier template and score tokens reach the client and the score", async () => {
  const run = await drive(
    pipelineApp(new FakeRetriever([])),
    start({
      n: 2,
      verifier: "learned",
      selection: "top",
      verifier_template: "{solution} || {question} => verdict:",
      accept_token: " correct",
      reject_token: " wrong",
    }),
    (r) => {
      if (r.id.includes(".c")) return r.id.endsWith("c0") ? RIGHT : WRONG_FINAL;
      const good = textOf(r).includes("is 120");
      return { text: "", scores: { " correct": good ? 0.3 : 0.1, " wrong": good ? 0.1 : 0.3 } };
    },
  );
  assert.equal(textOf(run.batches[1]![0]!), `${RIGHT} || ${QUESTION} => verdict:`);
  assert.deepEqual(run.batches[1]![0]!.score_tokens, [" correct", " wrong"]);
  assert.deepEqual(rows(run).map((r) => round(r.score)), [0.75, 0.25]);
  assert.equal(run.final.output, RIGHT);
});

Deno.test("n = 1 answers with its one candidate, even when the filter rejects it", async () => {
  const app = pipelineApp(new FakeRetriever([]));
  const one = await drive(app, start({ n: 1 }), client([RIGHT]));
  assert.equal(one.batches[0]?.length, 1);
  assert.equal(one.final.output, RIGHT);
  const bad = await drive(app, start({ n: 1 }), client([` ${WRONG_STEP}\n`]));
  assert.equal(bad.final.output, WRONG_STEP);
  assert.equal(event(bad, "select").fallback, true);
  assert.deepEqual(rows(bad).map((r) => [r.kept, r.score]), [[true, 1]]);
});

Deno.test("when every candidate fails the filter all of them vote, recorded as fallback", async () => {
  const other = "3 * 40 = <<3*40=100>>100. The answer is 100.";
  const run = await drive(
    pipelineApp(new FakeRetriever([])),
    start({ n: 3 }),
    client([other, WRONG_STEP, WRONG_STEP]),
  );
  assert.equal(run.final.output, WRONG_STEP);
  assert.equal(event(run, "candidates").fallback, true);
});

Deno.test("vote with no final answer anywhere falls back to the top candidate", async () => {
  const run = await drive(
    pipelineApp(new FakeRetriever([])),
    start({ n: 2 }),
    client(["I do not know.", "No idea."]),
  );
  assert.equal(run.final.output, "I do not know.");
  assert.equal(event(run, "select").vote_fallback, true);
});

Deno.test("s2a -> best_of_n -> cove: the rewrite is solved and the chosen solution is the draft", async () => {
  const run = await drive(
    pipelineApp(new FakeRetriever([])),
    start({ n: 2 }, ["s2a", "best_of_n", "cove"]),
    client([WRONG_STEP, RIGHT]),
  );
  assert.deepEqual(run.batches.map((b) => b[0]?.id.split(".")[1]), ["s2a", "best_of_n", "cove"]);
  assert.equal(textOf(run.batches[1]![0]!), QUESTION);
  assert.equal(textOf(run.batches[2]![0]!), `Context: Q: ${QUESTION}\nA: ${RIGHT}\nResponse:\n`);
  assert.deepEqual(
    run.final.trace.map((e) => `${e.stage}:${e.event}`),
    [
      "s2a:rewrite",
      "best_of_n:candidates",
      "best_of_n:select",
      "cove:baseline",
      "cove:plan",
      "cove:final",
    ],
  );
});

Deno.test("verifier none votes over every candidate, wrong steps included (plain majority vote)", async () => {
  const texts = [WRONG_STEP, WRONG_STEP, RIGHT, RIGHT, WRONG_STEP];
  const app = pipelineApp(new FakeRetriever([]));
  const none = await drive(app, start({ n: 5, verifier: "none" }), client(texts));
  assert.equal(none.batches.length, 1);
  assert.equal(none.final.output, WRONG_STEP);
  assert.deepEqual(rows(none).map((r) => r.kept), [true, true, true, true, true]);
  const filtered = await drive(app, start({ n: 5, verifier: "arithmetic" }), client(texts));
  assert.equal(filtered.final.output, RIGHT);
});

Deno.test("n = 1 at temperature 0 is greedy decoding through the same stage", async () => {
  const run = await drive(
    pipelineApp(new FakeRetriever([])),
    start({ n: 1, temperature: 0 }),
    client([RIGHT]),
  );
  assert.deepEqual(run.batches[0]?.map((r) => [r.temperature, r.seed]), [[0, 100]]);
  assert.equal(run.final.output, RIGHT);
});
