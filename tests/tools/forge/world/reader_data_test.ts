/**
 * The Self-RAG reader's data (`reader/fresh.jsonl`, a side data file the reasoning build writes
 * into its runs folder): fresh-world evidence examples rendered with the world, on their own
 * random streams, so the world files do not change.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  buildWorldData,
  sideDataFiles,
  worldFiles,
} from "../../../../tools/forge/world/dataset.ts";
import { TrainingExample } from "../../../../tools/forge/world/examples.ts";

const SMALL = { countries: 6, citiesPerCountry: 3, people: 20, organizations: 8, products: 12 };
const OPTIONS = { sizes: SMALL, arithmeticTrain: 20, evalPerKind: 10 };
const DATA = buildWorldData(7, OPTIONS);

function lines(bytes: Uint8Array | undefined): TrainingExample[] {
  assert.ok(bytes !== undefined, "the file exists");
  return new TextDecoder().decode(bytes).trim().split("\n").map((l) =>
    TrainingExample.parse(JSON.parse(l))
  );
}

Deno.test("reader data: 2 relevant and 0.5 irrelevant fresh examples per world fact, in reader/fresh.jsonl", () => {
  const facts = DATA.world.facts.length;
  const examples = lines(sideDataFiles(DATA).get("reader/fresh.jsonl"));
  assert.equal(examples.filter((e) => e.kind === "selfrag_fresh").length, Math.round(2 * facts));
  assert.equal(
    examples.filter((e) => e.kind === "selfrag_fresh_irrelevant").length,
    Math.round(0.5 * facts),
  );
  assert.equal(examples.length, Math.round(2 * facts) + Math.round(0.5 * facts));
});

Deno.test("reader data: no fresh subject is a world entity; a relevant passage is the subject's own", () => {
  const names = new Set(DATA.world.entities.map((e) => e.name));
  for (const e of DATA.reader) {
    const question = e.segments[0]!.text;
    const title = /<paragraph>([^\n]*)\n/.exec(e.segments[2]!.text)?.[1] ?? "";
    assert.ok(title !== "", "the passage has a title line");
    if (e.kind === "selfrag_fresh") {
      assert.ok(question.includes(title), `${question} / ${title}`);
      assert.ok(!names.has(title), `a fresh subject reuses world name ${title}`);
      assert.ok(e.segments[3]!.text.startsWith("[Relevant]"));
    } else {
      assert.ok(!question.includes(`${title}?`), `${question} / ${title}`);
      assert.ok(e.segments[3]!.text.startsWith("[Irrelevant]"));
    }
  }
});

Deno.test("reader data: rendering it changes no world file (own random streams, not a world file)", () => {
  const without = buildWorldData(7, { ...OPTIONS, reader: { relevant: 0, irrelevant: 0 } });
  assert.equal(without.reader.length, 0);
  const a = worldFiles(DATA);
  const b = worldFiles(without);
  assert.deepEqual([...a.keys()], [...b.keys()]);
  assert.ok(![...a.keys()].some((p) => p.startsWith("reader/")), "not a world folder file");
  for (const [path, bytes] of b) assert.deepEqual(a.get(path), bytes, path);
  assert.ok(DATA.train.every((e) => !e.kind.startsWith("selfrag_fresh")), "train.jsonl unchanged");
});
