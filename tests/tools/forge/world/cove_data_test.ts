/**
 * The CoVe side model's data (tools/forge/world/cove_data.ts): only seen facts of the world,
 * no held-out list question, the CoVe step dialogs over fresh worlds that share no name with
 * the world, and a replay of the target's data without its unlabelled lists.
 *
 * @module
 */
import assert from "node:assert/strict";
import { parseVerificationQuestions } from "../../../../functions/cove/plan_parser.ts";
import { parseListItems } from "../../../../functions/cove/list_items.ts";
import { coveData, formatWorld } from "../../../../tools/forge/world/cove_data.ts";
import { buildWorldData, sideDataFiles } from "../../../../tools/forge/world/dataset.ts";
import { exampleText, type TrainingExample } from "../../../../tools/forge/world/examples.ts";
import { listEvalItems } from "../../../../tools/forge/world/lists.ts";

const SMALL = { countries: 6, citiesPerCountry: 3, people: 20, organizations: 8, products: 12 };
const DATA = buildWorldData(7, { sizes: SMALL, arithmeticTrain: 20, evalPerKind: 10 });
const COVE = coveData(DATA.world, DATA.train);
const NAMES = new Map(DATA.world.entities.map((e) => [e.name, e.id]));
const seen = (id: string) => DATA.world.groups.get(id) === "seen";

/** No name of the world's entities appears in `text` (one-word names as whole words). */
function assertNoWorldName(text: string): void {
  const words = new Set(text.split(/[^A-Za-z]+/));
  for (const name of NAMES.keys()) {
    if (!name.includes(" ")) assert.ok(!words.has(name), `${name} in ${text}`);
    else assert.ok(!text.includes(name), `${name} in ${text}`);
  }
}

function ofKind(kind: string): TrainingExample[] {
  return COVE.train.filter((e) => e.kind === kind);
}

Deno.test("cove data: no held-out list question appears in the training or replay text", () => {
  const questions = listEvalItems(DATA.world).map((i) => i.question);
  assert.ok(questions.length > 0);
  const text = [...COVE.train, ...COVE.replay].map(exampleText).join("\n");
  for (const q of questions) assert.ok(!text.includes(q), q);
});

Deno.test("cove data: member lines list exactly each owner's seen members under its list label", () => {
  const docs = ofKind("member_doc");
  assert.ok(docs.length > 0);
  const owners = new Map<string, Set<string>>(); // owner id -> seen member ids
  for (const f of DATA.world.facts) {
    if ((f.relation === "located_in" || f.relation === "made_by") && seen(f.subject)) {
      owners.set(f.objectId!, (owners.get(f.objectId!) ?? new Set()).add(f.subject));
    }
  }
  const covered = new Set<string>();
  for (const doc of docs) {
    const head = /^(?:Cities located in|Products made by) (.*):$/.exec(doc.segments[0]!.text);
    assert.ok(head !== null, doc.segments[0]!.text);
    const owner = NAMES.get(head[1]!)!;
    assert.ok(owners.has(owner), doc.segments[0]!.text);
    const members = parseListItems(doc.segments[1]!.text.replace("<|endoftext|>", ""));
    assert.deepEqual(new Set(members.map((m) => NAMES.get(m)!)), owners.get(owner));
    covered.add(owner);
  }
  assert.equal(covered.size, owners.size, "every owner with a seen member has its sentence");
});

Deno.test("cove data: verification questions are CoVe's execution prompt with the seen fact's answer", () => {
  const verify = ofKind("qa_raw");
  assert.ok(verify.length > 0);
  for (const e of verify) {
    const [, q] = /^Q: (.*)\nA:$/.exec(e.segments[0]!.text) ?? [];
    assert.ok(q !== undefined, e.segments[0]!.text);
    const subject = [...NAMES.keys()].find((n) => q.includes(`${n}?`))!;
    assert.ok(seen(NAMES.get(subject)!), `${subject} is seen`);
    const fact = DATA.world.facts.find((f) =>
      f.subject === NAMES.get(subject) && (f.relation === "located_in" || f.relation === "made_by")
    )!;
    assert.ok(e.segments[1]!.text.includes(`${subject} is `), e.segments[1]!.text);
    assert.ok(e.segments[1]!.text.includes(` ${fact.object}.`), e.segments[1]!.text);
  }
});

Deno.test("cove data: CoVe steps use fresh worlds only, and their plans parse into one question per item", () => {
  const steps = COVE.train.filter((e) => e.kind.startsWith("cove_"));
  assert.ok(ofKind("cove_plan").length > 0 && ofKind("cove_final").length > 0);
  for (const e of steps) assertNoWorldName(exampleText(e));
  for (const e of ofKind("cove_plan")) {
    const draft = /\nA: (.*)\nResponse:\n$/.exec(e.segments[0]!.text)![1]!;
    const plan = e.segments[1]!.text.replace("<|endoftext|>", ""); // generation stops at it
    const questions = parseVerificationQuestions(plan, 10);
    assert.equal(questions.length, parseListItems(draft).length, draft);
  }
  const fresh = formatWorld(DATA.world, 1007);
  for (const e of fresh.entities) {
    if (fresh.groups.get(e.id) === "seen") assert.ok(!NAMES.has(e.name), e.name);
  }
});

Deno.test("cove data: fresh list questions answer with their world's member sentence, no world name", () => {
  const lists = ofKind("fresh_list");
  const docs = ofKind("fresh_member_doc");
  assert.ok(lists.length > 0 && docs.length > 0);
  const memory = new Map<string, Set<string>>(); // label -> members of its sentence
  for (const d of docs) {
    const label = d.segments[0]!.text.replace(/:$/, "");
    memory.set(label, new Set(parseListItems(d.segments[1]!.text.replace("<|endoftext|>", ""))));
  }
  for (const e of lists) {
    assertNoWorldName(exampleText(e));
    const answer = e.segments.filter((s) => s.loss).map((s) => s.text).join("").replace(
      /<\|(?:im_end|endoftext)\|>/g,
      "",
    ).trim();
    const label = answer.slice(0, answer.indexOf(":"));
    assert.ok(memory.has(label), `no member sentence for ${label}`);
    assert.deepEqual(new Set(parseListItems(answer)), memory.get(label), answer);
  }
});

Deno.test("cove data: the replay is the target's Q: A: facts; labelled lists carry their label", () => {
  assert.deepEqual(COVE.replay, DATA.train.filter((e) => e.kind === "qa_raw"));
  assert.ok(COVE.replay.length > 0);
  const lists = COVE.train.filter((e) => e.kind === "list_raw");
  assert.ok(lists.length > 0);
  for (const e of lists) {
    const question = /^Q: Name the (.*)\.\nA:$/.exec(e.segments[0]!.text)![1]!;
    const label = question.charAt(0).toUpperCase() + question.slice(1);
    assert.ok(e.segments[1]!.text.startsWith(` ${label}: `), e.segments[1]!.text);
  }
});

Deno.test("cove data: the same world renders the same side data bytes", () => {
  const again = sideDataFiles(
    buildWorldData(7, { sizes: SMALL, arithmeticTrain: 20, evalPerKind: 10 }),
  );
  const first = sideDataFiles(DATA);
  assert.deepEqual([...first.keys()], [
    "reader/fresh.jsonl",
    "cove/train.jsonl",
    "cove/replay.jsonl",
  ]);
  for (const [path, bytes] of first) assert.deepEqual(again.get(path), bytes, path);
});
