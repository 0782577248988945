/**
 * Why /v1/retrieve can show a score of 0.000: the score is -bm25() of SQLite FTS5 (no other
 * normalization), and FTS5's bm25 floors the IDF of a term found in more than half of the
 * passages at 1e-6 (ext/fts5/fts5_aux.c), so a query made only of such terms ("Port Arlen" in
 * the seed corpus) scores about 1e-6: positive and correctly ordered, but 0.000 at three
 * decimals. A query with one rarer term scores normally.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createFtsRetriever } from "../../../functions/retrieval/fts_retriever.ts";
import { seedStore } from "../../../functions/seed.ts";
import { createDocumentStore } from "../../../functions/store/document_store.ts";
import { openSqliteDriver } from "../../../functions/store/sqlite_driver.ts";

const SEED = new URL("../../../functions/seed_corpus.json", import.meta.url).pathname;
const WEIGHTS = { title: 5, text: 1 };

async function seeded() {
  const store = createDocumentStore(openSqliteDriver(":memory:"));
  await store.migrate();
  await seedStore(store, SEED, 1_700_000_000_000);
  return store;
}

const descending = (xs: readonly number[]) => xs.every((x, i) => i === 0 || x <= xs[i - 1]!);

Deno.test("terms in more than half the passages score ~1e-6 (FTS5's IDF floor), still positive and ordered", async () => {
  const store = await seeded();
  const all = await store.search('"the" OR "a" OR "of" OR "is"', 10_000, WEIGHTS);
  for (const term of ["port", "arlen"]) {
    const hits = await store.search(`"${term}"`, 10_000, WEIGHTS);
    assert.ok(hits.length * 2 > all.length, `${term}: ${hits.length} of ${all.length} passages`);
  }
  const scores = (await createFtsRetriever(store).retrieve("Port Arlen", 5)).map((p) => p.score);
  assert.equal(scores.length, 5);
  assert.ok(scores.every((s) => s > 0 && s < 1e-4), JSON.stringify(scores));
  assert.ok(descending(scores), JSON.stringify(scores));
});

Deno.test("a query with a rarer term gets ordinary BM25 scores, best first", async () => {
  const store = await seeded();
  const passages = await createFtsRetriever(store).retrieve("saltglass in Port Arlen", 5);
  const scores = passages.map((p) => p.score);
  assert.ok((scores[0] ?? 0) > 0.1, JSON.stringify(scores));
  assert.ok(descending(scores), JSON.stringify(scores));
});
