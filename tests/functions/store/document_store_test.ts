import assert from "node:assert/strict";
import { createFtsRetriever } from "../../../functions/retrieval/fts_retriever.ts";
import { createDocumentStore } from "../../../functions/store/document_store.ts";
import { sql } from "../../../functions/store/driver.ts";
import { openSqliteDriver } from "../../../functions/store/sqlite_driver.ts";
import { parseSeedCorpus } from "../../../functions/seed.ts";

async function memoryStore() {
  const store = createDocumentStore(openSqliteDriver(":memory:"), { now: () => 5 });
  await store.migrate();
  return store;
}

Deno.test("migrate() is idempotent and records version 1", async () => {
  const driver = openSqliteDriver(":memory:");
  const store = createDocumentStore(driver, { now: () => 123 });
  assert.equal(await store.migrate(), 1);
  assert.equal(await store.migrate(), 1);
  const rows = await driver.all(sql("SELECT version, applied_at FROM schema_migrations"));
  assert.deepEqual(rows.map((r) => ({ ...r })), [{ version: 1, applied_at: 123 }]);
  await store.close();
});

Deno.test("upsertMany() stores documents and re-ingesting an id replaces text and passages", async () => {
  const store = await memoryStore();
  const long = Array.from({ length: 30 }, (_, i) => `Sentence ${i} has seven words in it.`).join(
    " ",
  );
  assert.deepEqual(
    await store.upsertMany([{ id: "a", title: "A", text: long, metadata: { x: 1 } }], 1000),
    { documents: 1, passages: 2 },
  );
  assert.deepEqual(await store.get("a"), {
    id: "a",
    title: "A",
    text: long,
    metadata: { x: 1 },
    passages: 2,
    updatedAt: 1000,
  });
  await store.upsertMany([{ id: "a", text: "Short now." }], 2000);
  assert.equal((await store.get("a"))?.passages, 1);
  assert.deepEqual(await store.search('"sentence"', 10, { title: 1, text: 1 }), []);
  assert.equal((await store.search('"short"', 10, { title: 1, text: 1 }))[0]?.passage_id, "a#0");
  assert.equal(await store.count(), 1);
  await store.close();
});

Deno.test("a repeated id within one upsertMany() call keeps the last occurrence", async () => {
  const store = await memoryStore();
  await store.upsertMany([{ id: "a", text: "First." }, { id: "a", text: "Second." }], 0);
  assert.equal((await store.get("a"))?.text, "Second.");
  assert.equal((await store.search('"first"', 5, { title: 1, text: 1 })).length, 0);
  await store.close();
});

Deno.test("delete() removes the document and its index entries and reports absence", async () => {
  const store = await memoryStore();
  await store.upsertMany([{ id: "a", text: "Gone soon." }, { id: "b", text: "Stays here." }], 0);
  assert.equal(await store.delete("a"), true);
  assert.equal(await store.delete("a"), false);
  assert.equal(await store.get("a"), undefined);
  assert.deepEqual(await store.search('"soon"', 5, { title: 1, text: 1 }), []);
  assert.equal((await store.search('"stays"', 5, { title: 1, text: 1 })).length, 1);
  await store.close();
});

Deno.test("the title weight moves title matches up the ranking", async () => {
  const store = await memoryStore();
  await store.upsertMany([
    { id: "body", title: "Other", text: "Ferrin ferrin is named twice in this body text." },
    { id: "title", title: "Ferrin", text: "A volcano in the centre of the island." },
  ], 0);
  const low = await store.search('"ferrin"', 2, { title: 1, text: 1 });
  const high = await store.search('"ferrin"', 2, { title: 10, text: 1 });
  assert.equal(low[0]?.doc_id, "body");
  assert.equal(high[0]?.doc_id, "title");
  await store.close();
});

Deno.test("meta values are stored and overwritten", async () => {
  const store = await memoryStore();
  assert.equal(await store.getMeta("k"), undefined);
  await store.setMeta("k", "1");
  await store.setMeta("k", "2");
  assert.equal(await store.getMeta("k"), "2");
  await store.close();
});

Deno.test("a failing batch rolls back every statement in it", async () => {
  const driver = openSqliteDriver(":memory:");
  const store = createDocumentStore(driver);
  await store.migrate();
  await assert.rejects(
    driver.batch([sql("INSERT INTO meta (key, value) VALUES ('a', 'b')"), sql("INSERT INTO nope")]),
  );
  assert.equal(await store.getMeta("a"), undefined);
  await store.close();
});

Deno.test("concurrent ingests and deletes lose no document", async () => {
  const store = await memoryStore();
  await store.upsertMany(
    Array.from({ length: 50 }, (_, i) => ({ id: `old-${i}`, text: `Old doc ${i}.` })),
    0,
  );
  const writes = Array.from({ length: 40 }, (_, w) =>
    store.upsertMany(
      Array.from({ length: 25 }, (_, i) => ({ id: `w${w}-${i}`, text: `Writer ${w} doc ${i}.` })),
      w,
    ));
  const deletes = Array.from({ length: 25 }, (_, i) => store.delete(`old-${i * 2}`));
  const results = await Promise.all([...writes, ...deletes]);
  assert.equal(results.filter((r) => r === true).length, 25);
  assert.equal(await store.count(), 40 * 25 + 25);
  for (let w = 0; w < 40; w++) assert.ok(await store.get(`w${w}-24`));
  for (let i = 0; i < 50; i++) {
    assert.equal((await store.get(`old-${i}`)) === undefined, i % 2 === 0);
  }
  await store.close();
});

Deno.test("a restart keeps every document and answers the same queries identically", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/verity.sqlite`;
  const documents = parseSeedCorpus(
    await Deno.readTextFile(new URL("../../../functions/seed_corpus.json", import.meta.url)),
    "seed",
  );
  const queries = ["who founded port arlen", "glowing seaweed", "great storm 530", "tea"];
  const answers = async () => {
    const store = createDocumentStore(openSqliteDriver(path));
    await store.migrate();
    const retriever = createFtsRetriever(store);
    const out = {
      count: await store.count(),
      docs: await Promise.all(documents.map((d) => store.get(d.id))),
      results: await Promise.all(queries.map((q) => retriever.retrieve(q, 10))),
    };
    await store.close();
    return out;
  };
  const first = createDocumentStore(openSqliteDriver(path));
  await first.migrate();
  await first.upsertMany(documents, 0);
  await first.close();
  const before = await answers();
  const after = await answers();
  assert.equal(before.count, documents.length);
  assert.ok(before.results.every((r) => r.length > 0));
  assert.deepEqual(after, before);
  await Deno.remove(dir, { recursive: true });
});
