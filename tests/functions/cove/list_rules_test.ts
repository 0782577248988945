/**
 * CoVe's rule plan for list questions (functions/cove/list_rules.ts): the rules' questions and
 * claims are the world's closed-book templates; a draft becomes one verification question per
 * item; the verified list keeps the items whose answer names the owner (factored) or whose
 * cross-check says CONSISTENT (factor+revise). Driven over the real edge routes with a
 * scripted client: no plan or final request is asked for, and other questions keep the model's
 * plan.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  keepsItem,
  keptItems,
  LIST_RULES,
  planByRule,
  verifiedList,
} from "../../../functions/cove/list_rules.ts";
import type { GenerateRequest } from "../../../shared/pipeline.ts";
import { TEMPLATES } from "../../../tools/forge/world/templates.ts";
import { drive, FakeRetriever, pipelineApp, type Run, textOf } from "../pipeline/fake_client.ts";

const QUESTION = "Name the cities located in Dousistan.";
const DRAFT = "Cities located in Dousistan: Port Arlen, Bly and Vantor.";

Deno.test("list rules ask the world's closed-book questions and claim its answer sentences", () => {
  const [cities, products] = LIST_RULES;
  assert.equal(cities?.question, TEMPLATES.located_in.questions[0]!.replace("{s}", "{item}"));
  assert.equal(products?.question, TEMPLATES.made_by.questions[0]!.replace("{s}", "{item}"));
  const claim = (t: string) => t.replace("{s}", "{item}").replace("{o}", "{owner}").slice(0, -1);
  assert.equal(cities?.fact, claim(TEMPLATES.located_in.answer));
  assert.equal(products?.fact, claim(TEMPLATES.made_by.answer));
});

Deno.test("planByRule() writes one question per draft item, or null without a rule or items", () => {
  const plan = planByRule(QUESTION, DRAFT, 8);
  assert.deepEqual(plan, {
    owner: "Dousistan",
    label: "Cities located in Dousistan",
    items: ["Port Arlen", "Bly", "Vantor"],
    questions: [
      { fact: "Port Arlen is located in Dousistan", question: "In which country is Port Arlen?" },
      { fact: "Bly is located in Dousistan", question: "In which country is Bly?" },
      { fact: "Vantor is located in Dousistan", question: "In which country is Vantor?" },
    ],
  });
  assert.deepEqual(planByRule(QUESTION, DRAFT, 2)?.items, ["Port Arlen", "Bly"]);
  const products = planByRule("Name the products made by Zel Works.", "Orb and Kite.", 8);
  assert.deepEqual(products?.questions.map((q) => q.question), [
    "Who makes Orb?",
    "Who makes Kite?",
  ]);
  assert.equal(products?.label, "");
  assert.equal(planByRule("Name the people born in Dousistan.", DRAFT, 8), null);
  assert.equal(planByRule(QUESTION, "", 8), null);
});

Deno.test("keepsItem() trusts a verdict when there is one, else the answer naming the owner", () => {
  const pair = { fact: "Bly is located in Dousistan", question: "In which country is Bly?" };
  assert.ok(keepsItem({ ...pair, answer: "Bly is located in Dousistan." }, "Dousistan"));
  assert.ok(!keepsItem({ ...pair, answer: "Bly is located in Orrland." }, "Dousistan"));
  // A whole word: "Dousistania" does not name Dousistan.
  assert.ok(!keepsItem({ ...pair, answer: "Bly is located in Dousistania." }, "Dousistan"));
  const named = { ...pair, answer: "Bly is located in Dousistan." };
  assert.ok(!keepsItem({ ...named, verdict: "INCONSISTENT" }, "Dousistan"));
  assert.ok(!keepsItem({ ...named, verdict: "UNKNOWN" }, "Dousistan"));
  assert.ok(keepsItem({ ...pair, answer: "Orrland.", verdict: "CONSISTENT" }, "Dousistan"));
  const pairs = ["Dousistan", "Orrland", "Dousistan"].map((o) => ({ ...pair, answer: o }));
  assert.deepEqual(keptItems({ owner: "Dousistan", items: ["A", "B", "C"] }, pairs), ["A", "C"]);
});

Deno.test("verifiedList() keeps the label and writes prose, or says nothing was verified", () => {
  assert.equal(
    verifiedList("Cities located in X", ["A", "B", "C"]),
    "Cities located in X: A, B and C.",
  );
  assert.equal(verifiedList("", ["A"]), "A.");
  assert.equal(verifiedList("L", []), "None of the drafted items could be verified.");
});

/** A client whose draft lists three cities, one of them in another country. */
function client(verdicts: Record<string, string> = {}) {
  return (r: GenerateRequest): string => {
    const text = textOf(r);
    if (r.id.endsWith(".baseline")) return ` ${DRAFT}`;
    const city = /In which country is (.+)\?/.exec(text)?.[1];
    if (/verify\d$/.test(r.id) && city !== undefined) {
      return ` ${city} is located in ${city === "Bly" ? "Orrland" : "Dousistan"}.`;
    }
    const checked = /^Context: (.+?) is located/.exec(text)?.[1];
    if (/check\d$/.test(r.id) && checked !== undefined) return ` ${verdicts[checked]}`;
    throw new Error(`unexpected request ${r.id}: ${text}`);
  };
}

function run(variant: string, respond: (r: GenerateRequest) => string, question = QUESTION) {
  return drive(pipelineApp(new FakeRetriever([])), {
    pipeline: ["cove"],
    input: { messages: [{ role: "user", content: question }] },
    options: { cove: { variant } },
  }, respond);
}

const ids = (r: Run) => r.batches.map((b) => b.map((q) => q.id.replace(/^\d+\.cove\./, "")));

Deno.test("factored CoVe on a list question verifies each item and keeps those the answers confirm", async () => {
  const r = await run("factored", client());
  assert.deepEqual(ids(r), [["baseline"], ["verify0", "verify1", "verify2"]]);
  assert.deepEqual(
    r.batches[1]?.map((q) => q.prompt),
    ["Port Arlen", "Bly", "Vantor"].map((c) => `Q: In which country is ${c}?\nA:`),
  );
  assert.equal(r.final.output, "Cities located in Dousistan: Port Arlen and Vantor.");
  const plan = r.final.trace.find((e) => e.stage === "cove" && e.event === "plan");
  assert.equal(plan?.data["source"], "rules");
  const final = r.final.trace.find((e) => e.stage === "cove" && e.event === "final");
  assert.deepEqual(final?.data["final_items"], ["Port Arlen", "Vantor"]);
});

Deno.test("factor+revise CoVe on a list question keeps the items its cross-checks call CONSISTENT", async () => {
  const verdicts = { "Port Arlen": "INCONSISTENT.", Bly: "INCONSISTENT.", Vantor: "CONSISTENT." };
  const r = await run("factor_revise", client(verdicts));
  assert.deepEqual(ids(r), [
    ["baseline"],
    ["verify0", "verify1", "verify2"],
    ["check0", "check1", "check2"],
  ]);
  assert.equal(r.final.output, "Cities located in Dousistan: Vantor.");
});

Deno.test("a question no rule knows, and plan 'model', still ask the model for plan and final", async () => {
  const respond = (r: GenerateRequest): string => {
    if (r.id.endsWith(".baseline")) return " Ada and Bo.";
    if (r.id.endsWith(".plan")) return "Ada was born in Boria, Where was Ada born?";
    if (/verify\d$/.test(r.id)) return " Ada was born in Boria.";
    if (r.id.endsWith(".final")) return " Ada.";
    throw new Error(`unexpected request ${r.id}`);
  };
  const people = await run("factored", respond, "Name the people born in Boria.");
  assert.deepEqual(ids(people), [["baseline"], ["plan"], ["verify0"], ["final"]]);
  assert.equal(people.final.output, "Ada.");
  const model = await drive(pipelineApp(new FakeRetriever([])), {
    pipeline: ["cove"],
    input: { messages: [{ role: "user", content: QUESTION }] },
    options: { cove: { variant: "factored", plan: "model" } },
  }, respond);
  assert.deepEqual(ids(model), [["baseline"], ["plan"], ["verify0"], ["final"]]);
});
