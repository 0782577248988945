import assert from "node:assert/strict";
import type { GenerateRequest } from "../../../shared/pipeline.ts";
import { drive, FakeRetriever, pipelineApp, textOf } from "./fake_client.ts";

const QUESTION = "Name some politicians who were born in New York.";
const DRAFT = "Hillary Clinton, Donald Trump, and Michael Bloomberg";
const PLAN = "1. Hillary Clinton was born in New York, where was Hillary Clinton born?\n" +
  "2. Donald Trump was born in New York, where was Donald Trump born?\n" +
  "3. Michael Bloomberg was born in New York, where was Michael Bloomberg born?";
const ANSWERS: Record<string, string> = {
  "Where was Hillary Clinton born?": "Chicago, Illinois",
  "Where was Donald Trump born?": "Queens, New York",
  "Where was Michael Bloomberg born?": "Boston, Massachusetts",
};

function client(variant: string) {
  return (r: GenerateRequest): string => {
    const p = textOf(r);
    if (r.id.endsWith("baseline")) return ` ${DRAFT}`;
    if (r.id.endsWith("plan")) {
      if (variant !== "joint") return PLAN;
      return "Hillary Clinton was born in New York, where was Hillary Clinton born?\nA: Chicago\n" +
        "Q: Where was Donald Trump born?\nA: Queens, New York";
    }
    if (r.id.endsWith(".verify")) {
      return " Chicago, Illinois\nA2: Queens, New York\nA3: Boston, Massachusetts";
    }
    if (/verify\d$/.test(r.id)) {
      const q = /^Q: (.*)\nA:$/.exec(p)?.[1] ?? "";
      return ` ${ANSWERS[q] ?? "unknown"}\n\nQ: something else`;
    }
    if (/check\d$/.test(r.id)) {
      if (p.includes("Chicago")) return " **INCONSISTENT.** Clinton was born in Chicago.";
      if (p.includes("Queens")) return "consistent.";
      return "The answer is partially consistent";
    }
    if (r.id.endsWith("final")) return " Donald Trump";
    throw new Error(`unexpected request ${r.id}`);
  };
}

function start(variant: string, extra: Record<string, unknown> = {}) {
  return {
    pipeline: ["cove"],
    input: { messages: [{ role: "user", content: QUESTION }] },
    options: { cove: { variant }, ...extra },
  };
}

Deno.test("cove factored: baseline, plan, ONE batch of draft-free questions, final template", async () => {
  const run = await drive(
    pipelineApp(new FakeRetriever([])),
    start("factored", { stream: true }),
    client("factored"),
  );
  const prompts = run.batches.map((b) => b.map(textOf));
  assert.deepEqual(prompts[0], [`Q: ${QUESTION}\nA:`]);
  assert.deepEqual(prompts[1], [`Context: Q: ${QUESTION}\nA: ${DRAFT}\nResponse:\n`]);
  assert.deepEqual(prompts[2], Object.keys(ANSWERS).map((q) => `Q: ${q}\nA:`));
  for (const p of prompts[2] ?? []) {
    assert.ok(!p.includes(DRAFT) && !p.includes("Bloomberg was born in New York"));
  }
  assert.deepEqual(prompts[3], [
    `Context: ${DRAFT}.\nFrom another source,\n` +
    "Q: Where was Hillary Clinton born?\nA: Chicago, Illinois\n" +
    "Q: Where was Donald Trump born?\nA: Queens, New York\n" +
    "Q: Where was Michael Bloomberg born?\nA: Boston, Massachusetts\nResponse:",
  ]);
  assert.equal(run.batches[3]?.[0]?.stream, true);
  assert.equal(run.final.output, "Donald Trump");
  const plan = run.final.trace.find((e) => e.event === "plan");
  assert.deepEqual((plan?.data.questions as { fact: string }[])[0], {
    fact: "Hillary Clinton was born in New York",
    question: "Where was Hillary Clinton born?",
  });
  const final = run.final.trace.find((e) => e.event === "final");
  assert.deepEqual(final?.data.draft_items, [
    "Hillary Clinton",
    "Donald Trump",
    "Michael Bloomberg",
  ]);
  assert.deepEqual(final?.data.final_items, ["Donald Trump"]);
});

Deno.test("cove two_step: all questions in ONE request without the draft, numbered answers", async () => {
  const run = await drive(
    pipelineApp(new FakeRetriever([])),
    start("two_step"),
    client("two_step"),
  );
  assert.equal(run.batches[2]?.length, 1);
  const p = textOf(run.batches[2]![0]!);
  assert.equal(
    p,
    "Q1: Where was Hillary Clinton born?\nQ2: Where was Donald Trump born?\nQ3: Where was Michael Bloomberg born?\nA1:",
  );
  assert.ok(!p.includes(DRAFT));
  const verify = run.final.trace.find((e) => e.event === "verify");
  assert.deepEqual((verify?.data.pairs as { answer: string }[]).map((x) => x.answer), [
    "Chicago, Illinois",
    "Queens, New York",
    "Boston, Massachusetts",
  ]);
});

Deno.test("cove joint: questions and answers come from the one plan prompt", async () => {
  const run = await drive(pipelineApp(new FakeRetriever([])), start("joint"), client("joint"));
  assert.equal(run.batches.length, 3, "baseline, joint plan+answers, final");
  assert.equal(
    textOf(run.batches[2]![0]!),
    `Context: ${DRAFT}.\nFrom another source,\nQ: Where was Hillary Clinton born?\nA: Chicago\n` +
      "Q: Where was Donald Trump born?\nA: Queens, New York\nResponse:",
  );
});

Deno.test("cove factor_revise: cross-checks parse messy verdicts and reach the final prompt", async () => {
  const run = await drive(
    pipelineApp(new FakeRetriever([])),
    start("factor_revise"),
    client("factor_revise"),
  );
  assert.equal(run.batches.length, 5);
  const checks = run.batches[3]!.map(textOf);
  assert.equal(checks.length, 3);
  assert.ok(
    checks[0]!.startsWith("Context: Hillary Clinton was born in New York.\nFrom another source,\n"),
  );
  const cross = run.final.trace.find((e) => e.event === "cross_check");
  assert.deepEqual((cross?.data.checks as { verdict: string }[]).map((c) => c.verdict), [
    "INCONSISTENT",
    "CONSISTENT",
    "PARTIALLY CONSISTENT",
  ]);
  const final = textOf(run.batches[4]![0]!);
  assert.ok(
    final.includes("Q: Where was Hillary Clinton born?\nA: Chicago, Illinois\nINCONSISTENT.\n"),
  );
  assert.ok(final.endsWith("PARTIALLY CONSISTENT.\nResponse:"));
});

Deno.test("cove keeps the draft when the plan has no verification question", async () => {
  const run = await drive(
    pipelineApp(new FakeRetriever([])),
    start("factored"),
    (r) => r.id.endsWith("baseline") ? " Paris" : "I cannot think of any checks.",
  );
  assert.equal(run.batches.length, 2);
  assert.equal(run.final.output, "Paris");
  assert.equal(run.final.trace.at(-1)?.data.revised, false);
});
