/**
 * Schema migration: a database written under schema v1 (no `nameKey`) opens under the current
 * schema with every adapter and its files preserved, and the v2 upgrade fills the new index.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Dexie } from "dexie";
import { IDBFactory, IDBKeyRange } from "fake-indexeddb";
import { AdapterStore } from "../../../../client/adapters/store/adapter_store.ts";
import { declareSchema, LATEST_SCHEMA_VERSION } from "../../../../client/adapters/store/schema.ts";
import { makePeftFiles } from "./peft_files.ts";
import { sha256Of } from "./store_fixtures.ts";

/** A v1 metadata row: today's metadata without `nameKey`. */
async function v1Row(id: string, name: string, weights: Uint8Array, createdAt: number) {
  return {
    id,
    name,
    peftType: "LORA",
    r: 4,
    loraAlpha: 8,
    targetModules: ["q_proj", "v_proj"],
    useRslora: false,
    rankPattern: {},
    baseModel: "verity/fixtures-target",
    bytes: weights.byteLength,
    sha256: await sha256Of(weights),
    createdAt,
  };
}

Deno.test("a v1 database opens under the current schema with its adapters intact", async () => {
  assert.equal(LATEST_SCHEMA_VERSION, 2);
  const factory = new IDBFactory();
  const a = makePeftFiles({ seed: 1 });
  const b = makePeftFiles({ seed: 2 });
  const v1 = new Dexie("verity-adapters", { indexedDB: factory, IDBKeyRange });
  declareSchema(v1, 1);
  const rows = [
    await v1Row("b-id", "beta", b.weights, 20),
    await v1Row("a-id", "Alpha", a.weights, 10),
  ];
  await v1.transaction("rw", v1.table("adapters"), v1.table("files"), async () => {
    await v1.table("adapters").bulkPut(rows);
    await v1.table("files").bulkPut([
      { id: "a-id", config: a.config, weights: a.weights.slice().buffer },
      { id: "b-id", config: b.config, weights: b.weights.slice().buffer },
    ]);
  });
  assert.equal(v1.verno, 1);
  v1.close();

  const store = await AdapterStore.open({ indexedDB: factory, IDBKeyRange, storage: null });
  // Sorting by name needs the nameKey index, which only the v2 upgrade fills for old rows.
  assert.deepEqual(await store.list(), [rows[1], rows[0]]);
  assert.deepEqual((await store.load("a-id")).weights, a.weights);
  assert.equal((await store.exportFiles("b-id")).config, b.config);
  const renamed = await store.rename("b-id", "Aardvark");
  assert.deepEqual((await store.list()).map((m) => m.id), ["b-id", "a-id"]);
  assert.equal(renamed.createdAt, 20);
  store.close();

  const raw = new Dexie("verity-adapters", { indexedDB: factory, IDBKeyRange });
  await raw.open();
  assert.equal(raw.verno, 2);
  assert.deepEqual(raw.table("adapters").schema.indexes.map((i) => i.name).sort(), [
    "createdAt",
    "nameKey",
  ]);
  const stored = await raw.table("adapters").get("a-id");
  assert.equal(stored.nameKey, "alpha");
  raw.close();
});

Deno.test("a v1 database with no adapters upgrades and accepts new imports", async () => {
  const factory = new IDBFactory();
  const v1 = new Dexie("verity-adapters", { indexedDB: factory, IDBKeyRange });
  declareSchema(v1, 1);
  await v1.open();
  v1.close();
  const store = await AdapterStore.open({ indexedDB: factory, IDBKeyRange, storage: null });
  const meta = await store.importFiles(makePeftFiles(), { name: "fresh", id: "f" });
  assert.deepEqual(await store.list(), [meta]);
  store.close();
});
