/**
 * The tiny world: deterministic from its seed, a disjoint fact split that keeps corpus-only
 * facts out of training, held-out sets of at least 200 items, and answers that agree with
 * the world's facts.
 *
 * @module
 */
import assert from "node:assert/strict";
import { verifyArithmetic } from "../../../../functions/verify/check.ts";
import { IngestRequest } from "../../../../shared/documents.ts";
import { buildWorldData, worldFiles } from "../../../../tools/forge/world/dataset.ts";
import { exampleText } from "../../../../tools/forge/world/examples.ts";
import { fill, TEMPLATES } from "../../../../tools/forge/world/templates.ts";

const DATA = buildWorldData(7);
const names = new Map(DATA.world.entities.map((e) => [e.id, e.name]));
const facts = new Map(DATA.world.facts.map((f) => [f.id, f]));

function sameBytes(a: Map<string, Uint8Array>, b: Map<string, Uint8Array>): boolean {
  if (a.size !== b.size) return false;
  for (const [path, bytes] of a) {
    const other = b.get(path);
    if (other === undefined || other.length !== bytes.length) return false;
    if (!bytes.every((v, i) => v === other[i])) return false;
  }
  return true;
}

Deno.test("buildWorldData() gives the same bytes for the same seed and different bytes for another", () => {
  const again = worldFiles(buildWorldData(7));
  assert.ok(sameBytes(worldFiles(DATA), again));
  assert.ok(!sameBytes(worldFiles(DATA), worldFiles(buildWorldData(8))));
});

Deno.test("the world has a few hundred entities with unique names and typed facts", () => {
  assert.equal(DATA.world.entities.length, 820);
  assert.equal(new Set(DATA.world.entities.map((e) => e.name)).size, 820);
  const capitals = DATA.world.facts.filter((f) => f.relation === "capital");
  assert.equal(capitals.length, 40);
  for (const c of capitals) {
    // The capital is a city located in that country.
    assert.equal(facts.get(`${c.objectId}:located_in`)?.objectId, c.subject);
  }
});

Deno.test("the fact split is disjoint, covers every fact, and corpus-only sentences never reach training", () => {
  const train = new Set(DATA.split.train);
  const corpusOnly = new Set(DATA.split.corpusOnly);
  assert.equal(train.size + corpusOnly.size, DATA.world.facts.length);
  for (const id of corpusOnly) assert.ok(!train.has(id), id);
  assert.ok(corpusOnly.size > 600, `corpus-only facts: ${corpusOnly.size}`);
  const text = DATA.train.map(exampleText).join("\n");
  for (const id of corpusOnly) {
    const f = facts.get(id)!;
    const sentence = fill(TEMPLATES[f.relation].answer, names.get(f.subject)!, f.object);
    assert.ok(!text.includes(sentence), `corpus-only fact leaked into training: ${sentence}`);
  }
  // ...while every one of them is stated in the corpus.
  const corpus = DATA.corpus.documents.map((d) => d.text).join("\n");
  for (const id of corpusOnly) {
    const f = facts.get(id)!;
    assert.ok(corpus.includes(fill(TEMPLATES[f.relation].answer, names.get(f.subject)!, f.object)));
  }
});

Deno.test("every evaluation set holds at least 200 items, none of them asked in training", () => {
  const prompts = new Set(DATA.train.map((e) => e.segments[0]!.text));
  for (const [kind, items] of Object.entries(DATA.evaluation)) {
    assert.ok(items.length >= 200, `${kind}: ${items.length}`);
    assert.equal(new Set(items.map((i) => i.id)).size, items.length);
    if (kind === "closed_book_seen") continue; // asks trained facts on purpose
    for (const item of items) {
      assert.ok(
        !prompts.has(`<|im_start|>user\n${item.question}<|im_end|>\n<|im_start|>assistant\n`),
      );
    }
  }
});

Deno.test("every QA answer, training or held out, agrees with the world's facts", () => {
  const expected = new Set<string>();
  for (const f of DATA.world.facts) {
    expected.add(fill(TEMPLATES[f.relation].answer, names.get(f.subject)!, f.object));
  }
  const qa = DATA.train.filter((e) => e.kind === "qa" || e.kind === "selfrag_memorized");
  // Two chat phrasings and one [No Retrieval] answer per fact of a seen subject.
  const seenFacts = DATA.world.facts.filter((f) => DATA.world.groups.get(f.subject) === "seen");
  assert.equal(qa.length, 3 * seenFacts.length);
  assert.ok(seenFacts.length > 1000);
  for (const e of qa) {
    const answer = e.segments[1]!.text.replace("<|im_end|>", "").replace("[No Retrieval]", "")
      .replace("[Utility:5]<|endoftext|>", "");
    assert.ok(expected.has(answer), answer);
  }
  for (const kind of ["closed_book_seen", "corpus_only", "opinionated"] as const) {
    for (const item of DATA.evaluation[kind]) {
      const f = facts.get(item.facts[0]!)!;
      assert.deepEqual(item.answers, [f.object]);
      assert.ok(item.question.includes(names.get(f.subject)!));
      if (item.distractor !== undefined) assert.notEqual(item.distractor, f.object);
    }
  }
});

Deno.test("list answers are exactly the members the world's relations imply", () => {
  const cityLists = DATA.evaluation.list.filter((i) => i.id.startsWith("list:cities_in:"));
  assert.ok(cityLists.length > 20);
  for (const item of cityLists) {
    const country = item.id.slice("list:cities_in:".length);
    const members = DATA.world.facts.filter((f) =>
      f.relation === "located_in" && f.objectId === country
    )
      .map((f) => names.get(f.subject)!);
    assert.deepEqual(item.answers, members);
  }
});

Deno.test("arithmetic solutions carry <<expr=result>> steps that check out and end in the answer", () => {
  const train = DATA.train.filter((e) => e.kind === "arithmetic");
  assert.equal(train.length, 1500);
  for (const e of train) {
    const solution = e.segments[1]!.text.replace("<|im_end|>", "");
    const result = verifyArithmetic(solution);
    assert.ok(result.ok && result.steps.length > 0, solution);
  }
  for (const item of DATA.evaluation.arithmetic) {
    assert.match(item.question, /\?$/);
    assert.ok(Number.isInteger(Number(item.answers[0])));
  }
});

Deno.test("Self-RAG examples use the exact reflection tokens and train only on the model's parts", () => {
  const retrieval = DATA.train.filter((e) => e.kind === "selfrag_retrieval");
  assert.ok(retrieval.length > 100);
  for (const e of retrieval) {
    assert.deepEqual(e.segments.map((s) => s.loss), [false, true, false, true]);
    assert.equal(e.segments[1]!.text, "[Retrieval]");
    assert.match(e.segments[2]!.text, /^<paragraph>[^\n]+\n[^]+<\/paragraph>$/);
    assert.match(
      e.segments[3]!.text,
      /^\[Relevant\].+\[Fully supported\]\[Utility:5\]<\|endoftext\|>$/,
    );
  }
  const irrelevant = DATA.train.filter((e) => e.kind === "selfrag_irrelevant");
  assert.ok(irrelevant.every((e) => e.segments[3]!.text.startsWith("[Irrelevant]")));
});

Deno.test("the corpus is a valid ingest body with one document per entity that states its facts", () => {
  const parsed = IngestRequest.parse(DATA.corpus);
  assert.equal(parsed.documents.length, DATA.world.entities.length);
  const byEntity = new Map(parsed.documents.map((d) => [d.metadata?.entity, d]));
  for (const f of DATA.world.facts.slice(0, 400)) {
    const doc = byEntity.get(f.subject)!;
    assert.equal(doc.title, names.get(f.subject));
    assert.ok(
      doc.text.includes(fill(TEMPLATES[f.relation].answer, names.get(f.subject)!, f.object)),
    );
  }
});
