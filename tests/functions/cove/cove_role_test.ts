/**
 * CoVe marks every request it asks for `role: "cove"` (the baseline draft, the plan, the
 * verification answers, the cross-checks, the final response, in all four variants), so a
 * client may run them on a CoVe model; the run's adapter stays on them; the stages before it
 * keep their own roles. Driven over the real edge routes with a scripted client.
 *
 * @module
 */
import assert from "node:assert/strict";
import { GenerateRequest } from "../../../shared/pipeline.ts";
import {
  drive,
  FakeRetriever,
  passage,
  pipelineApp,
  type Run,
  textOf,
} from "../pipeline/fake_client.ts";

const QUESTION = "Name the cities located in Dousistan.";
const DRAFT = "Port Arlen, Bly and Vantor";
const PLAN = "1. Port Arlen is in Dousistan, where is Port Arlen located?\n" +
  "2. Bly is in Dousistan, where is Bly located?";

/** A client that answers every CoVe request but the plan with a well-formed text. */
function client(r: GenerateRequest): string {
  if (r.id.endsWith(".baseline")) return ` ${DRAFT}`;
  if (r.id.endsWith(".verify")) return " Dousistan\nA2: Orrland";
  if (/verify\d$/.test(r.id)) return " Dousistan";
  if (/check\d$/.test(r.id)) return " CONSISTENT.";
  if (r.id.endsWith(".final")) return " Port Arlen";
  if (textOf(r).includes(QUESTION)) return " Port Arlen and Bly."; // Self-RAG's answer
  throw new Error(`unexpected request ${r.id}`);
}

/** The plan text per variant: joint's plan holds the answers, the others' only the questions. */
function clientFor(variant: string) {
  return (r: GenerateRequest): string => {
    if (r.id.endsWith(".plan")) {
      return variant === "joint"
        ? "Port Arlen is in Dousistan, where is Port Arlen located?\nA: Dousistan\n" +
          "Q: Where is Bly located?\nA: Orrland"
        : PLAN;
    }
    return client(r);
  };
}

function run(variant: string, extra: Record<string, unknown> = {}): Promise<Run> {
  return drive(pipelineApp(new FakeRetriever([])), {
    pipeline: ["cove"],
    input: { messages: [{ role: "user", content: QUESTION }] },
    // The model's plan: a list question of a known shape would be planned by rule.
    options: { cove: { variant, plan: "model" }, ...extra },
  }, clientFor(variant));
}

/** Each request's id tail (after the run's round prefix) and its role, batch by batch. */
const roles = (r: Run) =>
  r.batches.map((b) => b.map((q) => [q.id.replace(/^\d+\./, ""), q.role ?? "none"]));

Deno.test("cove factored marks the baseline, plan, each verification and the final role 'cove'", async () => {
  const r = await run("factored", { stream: true });
  assert.deepEqual(roles(r), [
    [["cove.baseline", "cove"]],
    [["cove.plan", "cove"]],
    [["cove.verify0", "cove"], ["cove.verify1", "cove"]],
    [["cove.final", "cove"]],
  ]);
  assert.equal(r.batches[3]?.[0]?.stream, true, "the final response still streams");
  assert.equal(r.final.output, "Port Arlen");
});

Deno.test("cove factor_revise marks its cross-checks role 'cove' too", async () => {
  const r = await run("factor_revise");
  assert.deepEqual(roles(r), [
    [["cove.baseline", "cove"]],
    [["cove.plan", "cove"]],
    [["cove.verify0", "cove"], ["cove.verify1", "cove"]],
    [["cove.check0", "cove"], ["cove.check1", "cove"]],
    [["cove.final", "cove"]],
  ]);
});

Deno.test("cove two_step and joint mark every request role 'cove'", async () => {
  const twoStep = await run("two_step");
  assert.deepEqual(roles(twoStep), [
    [["cove.baseline", "cove"]],
    [["cove.plan", "cove"]],
    [["cove.verify", "cove"]],
    [["cove.final", "cove"]],
  ]);
  const joint = await run("joint");
  assert.deepEqual(roles(joint), [
    [["cove.baseline", "cove"]],
    [["cove.plan", "cove"]],
    [["cove.final", "cove"]],
  ]);
});

Deno.test("cove requests keep the run's adapter; Self-RAG before it keeps role 'reader'", async () => {
  const r = await drive(
    pipelineApp(new FakeRetriever([passage("ada#0", "Ada", "Ada lives in Port Arlen.")])),
    {
      pipeline: ["selfrag", "cove"],
      input: { messages: [{ role: "user", content: QUESTION }] },
      options: {
        adapter: "tiny-qa",
        selfrag: { mode: "no_retrieval" },
        cove: { plan: "model" },
      },
    },
    clientFor("factored"),
  );
  const rows = r.batches.flat();
  const selfrag = rows.filter((q) => q.id.includes(".selfrag."));
  const cove = rows.filter((q) => q.id.includes(".cove."));
  assert.deepEqual(selfrag.map((q) => [q.role, q.adapter]), [["reader", "tiny-qa"]]);
  // Self-RAG's answer is the draft: CoVe starts at its plan.
  assert.deepEqual(cove.map((q) => q.id.replace(/^\d+\./, "")), [
    "cove.plan",
    "cove.verify0",
    "cove.verify1",
    "cove.final",
  ]);
  assert.ok(cove.every((q) => q.role === "cove" && q.adapter === "tiny-qa"), JSON.stringify(cove));
});

Deno.test("the step protocol accepts role 'cove' with an adapter", () => {
  const base = { id: "1.cove.plan", prompt: "q", max_tokens: 4, temperature: 0, stop: [] };
  assert.ok(GenerateRequest.safeParse({ ...base, role: "cove", adapter: "terse" }).success);
  assert.ok(!GenerateRequest.safeParse({ ...base, role: "coves" }).success);
});
