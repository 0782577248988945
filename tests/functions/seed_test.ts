import assert from "node:assert/strict";
import {
  parseSeedCorpus,
  SEED_HASH_KEY,
  SeedCorpusError,
  seedStore,
} from "../../functions/seed.ts";
import { createDocumentStore } from "../../functions/store/document_store.ts";
import { openSqliteDriver } from "../../functions/store/sqlite_driver.ts";

const corpus = new URL("../../functions/seed_corpus.json", import.meta.url).pathname;

Deno.test("the bundled seed corpus has about 50 valid documents", async () => {
  const docs = parseSeedCorpus(await Deno.readTextFile(corpus), corpus);
  assert.equal(docs.length, 52);
  assert.ok(docs.every((d) => (d.title ?? "").length > 0 && d.text.length > 100));
});

Deno.test("seedStore() writes the corpus once and skips an unchanged file", async () => {
  const store = createDocumentStore(openSqliteDriver(":memory:"));
  await store.migrate();
  assert.equal(await seedStore(store, corpus, 1), 52);
  assert.equal(await store.count(), 52);
  assert.match((await store.getMeta(SEED_HASH_KEY)) ?? "", /^[0-9a-f]{64}$/);
  assert.equal(await seedStore(store, corpus, 2), 0);
  assert.equal((await store.get("port-arlen"))?.updatedAt, 1);
  await store.close();
});

Deno.test("parseSeedCorpus() refuses invalid JSON, bad documents and repeated ids", () => {
  assert.throws(() => parseSeedCorpus("{", "f.json"), SeedCorpusError);
  assert.throws(() => parseSeedCorpus('{"documents":[{"id":1}]}', "f.json"), SeedCorpusError);
  assert.throws(
    () => parseSeedCorpus('{"documents":[{"id":"a","text":"x"},{"id":"a","text":"y"}]}', "f"),
    /ids must be distinct/,
  );
});
