/**
 * The skill-practice dialogs of the world's training data: fresh-world Self-RAG evidence
 * (answers copied from the passage), S2A rewrites (the paper's prompt, the question copied
 * out) and CoVe plan / cross-check / final steps that the edge's own parsers read back.
 *
 * @module
 */
import assert from "node:assert/strict";
import { parseListItems } from "../../../../functions/cove/list_items.ts";
import { parseVerificationQuestions } from "../../../../functions/cove/plan_parser.ts";
import { parseVerdict } from "../../../../functions/cove/verdict.ts";
import { parseS2ARewrite } from "../../../../functions/s2a/parse_rewrite.ts";
import { s2aPrompt } from "../../../../functions/s2a/prompts.ts";
import { createRng } from "../../../../tools/forge/rng.ts";
import { coveExamples } from "../../../../tools/forge/world/cove_examples.ts";
import { buildWorldData, PRACTICE_DIALOGS } from "../../../../tools/forge/world/dataset.ts";
import { exampleText, type TrainingExample } from "../../../../tools/forge/world/examples.ts";
import { freshExamples, freshFacts } from "../../../../tools/forge/world/fresh_examples.ts";
import { listAnswer, listLabel } from "../../../../tools/forge/world/lists.ts";
import { s2aExamples } from "../../../../tools/forge/world/s2a_examples.ts";
import { OPINION_EVAL_TAIL, TEMPLATES } from "../../../../tools/forge/world/templates.ts";

const SMALL = { countries: 6, citiesPerCountry: 3, people: 20, organizations: 8, products: 12 };
const DATA = buildWorldData(7, { sizes: SMALL, arithmeticTrain: 20, evalPerKind: 10 });
const WORLD_NAMES = new Set(DATA.world.entities.map((e) => e.name));

/** Text of the segments with / without loss. */
function parts(e: TrainingExample): { prompt: string; target: string } {
  return {
    prompt: e.segments.filter((s) => !s.loss).map((s) => s.text).join(""),
    target: e.segments.filter((s) => s.loss).map((s) => s.text).join(""),
  };
}

Deno.test("fresh evidence: subjects are new names, each answer's object is in its own passage", () => {
  const pool = freshFacts(DATA.world, SMALL, createRng(1), 200);
  assert.ok(pool.length >= 200);
  assert.ok(pool.every((f) => !WORLD_NAMES.has(f.name)), "a fresh subject reuses a world name");
  const examples = freshExamples(pool, createRng(2), { relevant: 150, irrelevant: 50 });
  assert.equal(examples.filter((e) => e.kind === "selfrag_fresh").length, 150);
  assert.equal(examples.filter((e) => e.kind === "selfrag_fresh_irrelevant").length, 50);
  examples.forEach((e, i) => {
    const { fact, name, doc } = pool[i]!;
    const passage = e.segments[2]!.text;
    const after = e.segments[3]!.text;
    assert.ok(e.segments[0]!.text.includes(name), "the question names its subject");
    if (e.kind === "selfrag_fresh") {
      assert.ok(passage.includes(doc.text) && passage.includes(fact.object));
      assert.ok(after.startsWith("[Relevant]") && after.includes(fact.object), after);
    } else {
      assert.ok(!passage.includes(`<paragraph>${name}\n`), "an irrelevant passage is another's");
      assert.ok(after.startsWith("[Irrelevant]"), after);
    }
  });
});

Deno.test("fresh facts: asking for more than 64 fresh worlds hold is an error, not a short set", () => {
  assert.throws(() => freshFacts(DATA.world, SMALL, createRng(1), 1e7), /Cannot collect/);
});

Deno.test("S2A rewrites: the paper's prompt in, both labels and the bare question out", () => {
  const facts = DATA.world.facts.slice(0, 40).map((fact) => ({
    fact,
    name: DATA.world.entities.find((e) => e.id === fact.subject)!.name,
  }));
  const examples = s2aExamples(createRng(3), facts, 100);
  let opinionated = 0;
  for (const e of examples) {
    const { prompt, target } = parts(e);
    const user = prompt.slice(prompt.indexOf("Text by User: ") + "Text by User: ".length);
    const text = user.slice(0, user.indexOf("<|im_end|>"));
    assert.ok(prompt.includes(s2aPrompt(text, "unbiased")));
    const parsed = parseS2ARewrite(target.replace("<|im_end|>", ""), text);
    assert.equal(parsed.parse, "labelled");
    assert.equal(parsed.context, "");
    const question = text.split(/(?<=[.?!])\s+/).at(-1)!;
    assert.equal(parsed.question, question);
    if (text !== question) opinionated++;
    assert.ok(!text.includes(OPINION_EVAL_TAIL), "the evaluation's opinion ending is held out");
  }
  assert.ok(opinionated > 60 && opinionated < 100, `${opinionated} opinionated of 100`);
});

Deno.test("opinionated evaluation items: the held-out ending and the first training phrasing", () => {
  const train = DATA.train.map(exampleText).join("\n");
  assert.ok(!train.includes(OPINION_EVAL_TAIL));
  for (const item of DATA.evaluation.opinionated) {
    assert.ok(item.question.includes(OPINION_EVAL_TAIL), item.question);
    const fact = DATA.world.facts.find((f) => f.id === item.facts[0])!;
    const name = DATA.world.entities.find((e) => e.id === fact.subject)!.name;
    assert.ok(item.question.endsWith(TEMPLATES[fact.relation].questions[0]!.replace("{s}", name)));
  }
});

Deno.test("list answers carry their question's constraint and split back into the members", () => {
  assert.equal(listLabel("Name the cities located in Boria."), "Cities located in Boria");
  const answer = listAnswer("Name the products made by Zel Works.", ["Ax", "By", "Cz"]);
  assert.equal(answer, "Products made by Zel Works: Ax, By and Cz.");
  assert.deepEqual(parseListItems(answer), ["Ax", "By", "Cz"]);
});

Deno.test("CoVe plans parse into one verification question per draft item", () => {
  const examples = coveExamples(DATA.world, createRng(4), { plan: 30, crossCheck: 0, final: 0 });
  assert.equal(examples.length, 30);
  for (const e of examples) {
    const { prompt, target } = parts(e);
    const draft = prompt.slice(prompt.indexOf("\nA: ") + 4, prompt.indexOf("\nResponse:"));
    const items = parseListItems(draft);
    const plan = parseVerificationQuestions(target.replace("<|endoftext|>", ""), 10);
    assert.equal(plan.length, items.length, target);
    plan.forEach((vq, i) => {
      assert.ok(vq.fact.startsWith(items[i]!), `${vq.fact} / ${items[i]}`);
      assert.ok(vq.question.includes(items[i]!) && vq.question.endsWith("?"));
    });
  }
});

Deno.test("CoVe cross-checks: CONSISTENT exactly when the claimed owner is the true object", () => {
  const examples = coveExamples(DATA.world, createRng(5), { plan: 0, crossCheck: 80, final: 0 });
  const verdicts = examples.map((e) => {
    const { prompt, target } = parts(e);
    const claimed = /^Context: (.*)\.\n/.exec(prompt)![1]!;
    const answer = /\nA: (.*)\n/.exec(prompt)![1]!.replace(/\.$/, "");
    assert.equal(parseVerdict(target), claimed === answer ? "CONSISTENT" : "INCONSISTENT");
    return parseVerdict(target);
  });
  assert.ok(verdicts.includes("CONSISTENT") && verdicts.includes("INCONSISTENT"));
});

Deno.test("CoVe finals keep exactly the draft items whose answers confirm the owner", () => {
  const examples = coveExamples(DATA.world, createRng(6), { plan: 0, crossCheck: 0, final: 40 });
  let dropped = 0;
  for (const e of examples) {
    const { prompt, target } = parts(e);
    const label = /^Context: ([^:]+):/.exec(prompt)![1]!;
    const owner = label.replace(/^\w+ (?:located in|made by) /, "");
    const draft = parseListItems(
      prompt.slice("Context: ".length, prompt.indexOf("\nFrom another source")),
    );
    const confirmed = draft.filter((item) =>
      new RegExp(`\\nA: ${item} (?:is located in|is made by) ${owner}\\.`).test(prompt)
    );
    assert.ok(target.startsWith(` ${label}: `), target);
    assert.deepEqual(parseListItems(target.replace("<|endoftext|>", "")), confirmed);
    dropped += draft.length - confirmed.length;
  }
  assert.ok(dropped > 0, "some drafts hold wrong items");
});

Deno.test("the default world has no practice dialogs; PRACTICE_DIALOGS adds every kind and labels lists", () => {
  const kinds = (d: typeof DATA) => new Set(d.train.map((e) => e.kind));
  const practiceKinds = [
    "selfrag_fresh",
    "selfrag_fresh_irrelevant",
    "s2a_rewrite",
    "cove_plan",
    "cove_cross_check",
    "cove_final",
  ] as const;
  for (const k of practiceKinds) assert.ok(!kinds(DATA).has(k), k);
  const practiced = buildWorldData(7, {
    sizes: SMALL,
    arithmeticTrain: 20,
    evalPerKind: 10,
    practice: PRACTICE_DIALOGS,
  });
  for (const k of practiceKinds) assert.ok(kinds(practiced).has(k), k);
  const fresh = practiced.train.filter((e) => e.kind === "selfrag_fresh").length;
  assert.equal(fresh, Math.round(PRACTICE_DIALOGS.freshRelevant * practiced.world.facts.length));
  const list = (d: typeof DATA) => d.train.find((e) => e.kind === "list_raw");
  assert.ok(list(DATA) !== undefined && list(practiced) !== undefined, "the world has lists");
  assert.ok(!parts(list(DATA)!).target.includes(": "), "unlabelled by default");
  assert.ok(/^ \w[^:]*: /.test(parts(list(practiced)!).target), "labelled with practice");
  // Everything else is rendered from its own seeded stream, so it is unchanged.
  assert.deepEqual(practiced.evaluation, DATA.evaluation);
});
