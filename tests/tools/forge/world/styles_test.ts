/**
 * The LoRA style datasets: terse and formal answers to the same seen facts, held-out prompts
 * in the evaluation phrasing, and the style metric that tells the two apart.
 *
 * @module
 */
import assert from "node:assert/strict";
import { buildWorldData, worldFiles } from "../../../../tools/forge/world/dataset.ts";
import { exampleText } from "../../../../tools/forge/world/examples.ts";
import {
  FORMAL_PREFIX,
  isInStyle,
  styleAnswer,
  styleEvalItems,
  styleExamples,
  styleScore,
} from "../../../../tools/forge/world/styles.ts";
import { TEMPLATES } from "../../../../tools/forge/world/templates.ts";

const SMALL = { countries: 6, citiesPerCountry: 3, people: 20, organizations: 8, products: 12 };
const DATA = buildWorldData(7, { sizes: SMALL, arithmeticTrain: 20, evalPerKind: 10 });

Deno.test("styled answers: terse names only the entity, formal opens with the records phrase", () => {
  const t = TEMPLATES.capital.answer;
  assert.equal(styleAnswer("terse", t, "Boria", "Tenholm"), "Tenholm.");
  assert.equal(
    styleAnswer("formal", t, "Boria", "Tenholm"),
    "According to the records, the capital of Boria is Tenholm.",
  );
});

Deno.test("the style metric scores each style's answers 1 and the other style's 0", () => {
  const terse = styleEvalItems(DATA, "terse").map((i) => i.reference);
  const formal = styleEvalItems(DATA, "formal").map((i) => i.reference);
  assert.ok(terse.length >= 20);
  assert.equal(styleScore("terse", terse), 1);
  assert.equal(styleScore("formal", formal), 1);
  assert.equal(styleScore("terse", formal), 0);
  assert.equal(styleScore("formal", terse), 0);
  assert.equal(isInStyle("terse", "The capital of Boria is Tenholm."), false);
  assert.equal(styleScore("terse", []), 0);
});

Deno.test("style training dialogs cover seen facts once; eval prompts use the held-out phrasing", () => {
  const formal = styleExamples(DATA, "formal");
  const seen = DATA.world.facts.filter((f) => DATA.world.groups.get(f.subject) === "seen");
  assert.equal(formal.length, seen.length);
  assert.ok(formal.every((e) => e.segments[1]!.text.startsWith(FORMAL_PREFIX)));
  const trainedQuestions = new Set(formal.map((e) => exampleText(e).split("\n")[1]));
  for (const item of styleEvalItems(DATA, "formal")) {
    assert.ok(!trainedQuestions.has(`${item.question}<|im_end|>`), item.question);
  }
});

Deno.test("the world folder carries both styles' train and eval files", () => {
  const files = worldFiles(DATA);
  for (const style of ["terse", "formal"]) {
    assert.ok((files.get(`styles/${style}/train.jsonl`)?.length ?? 0) > 1000, style);
    assert.ok((files.get(`styles/${style}/eval.jsonl`)?.length ?? 0) > 100, style);
  }
});
