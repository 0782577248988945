import assert from "node:assert/strict";
import { DEFAULT_SEED_CORPUS_PATH } from "../../functions/config.ts";
import {
  parseSeedCorpus,
  SEED_HASH_KEY,
  SEED_IDS_KEY,
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

Deno.test("seedStore() replaces the previous seed's documents and keeps ones added under other ids", async () => {
  const dir = await Deno.makeTempDir();
  const store = createDocumentStore(openSqliteDriver(":memory:"));
  try {
    await store.migrate();
    const first = `${dir}/first.json`, second = `${dir}/second.json`;
    await Deno.writeTextFile(
      first,
      JSON.stringify({
        documents: [{ id: "old", text: "Only in the first corpus." }, {
          id: "both",
          text: "In both corpora, first version.",
        }],
      }),
    );
    await Deno.writeTextFile(
      second,
      JSON.stringify({
        documents: [{ id: "both", text: "In both corpora, second version." }, {
          id: "new",
          text: "Only in the second corpus.",
        }],
      }),
    );
    assert.equal(await seedStore(store, first, 1), 2);
    await store.upsertMany([{ id: "mine", text: "Added through the API." }], 2);
    assert.equal(await seedStore(store, second, 3), 2);
    assert.equal(await store.get("old"), undefined);
    assert.equal((await store.get("both"))?.text, "In both corpora, second version.");
    assert.ok((await store.get("new")) !== undefined);
    assert.ok((await store.get("mine")) !== undefined);
    assert.equal(await store.count(), 3);
    assert.deepEqual(JSON.parse((await store.getMeta(SEED_IDS_KEY)) ?? "null"), ["both", "new"]);
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the default corpus (the tiny world's) parses as a seed corpus with distinct ids", async () => {
  const path = new URL(`../../${DEFAULT_SEED_CORPUS_PATH}`, import.meta.url).pathname;
  const docs = parseSeedCorpus(await Deno.readTextFile(path), path);
  assert.equal(DEFAULT_SEED_CORPUS_PATH, "models/world/corpus.json");
  assert.ok(docs.length >= 200, `${docs.length} documents`);
  assert.ok(docs.every((d) => d.text.length > 0 && (d.title ?? "").length > 0));
});
