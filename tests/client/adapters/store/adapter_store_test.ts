/**
 * AdapterStore on fake-indexeddb: import, list, get, load, export, rename, delete, duplicate
 * ids, concurrent imports, 1,000 adapters, storage reports.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Dexie } from "dexie";
import { IDBKeyRange } from "fake-indexeddb";
import {
  AdapterExistsError,
  AdapterNotFoundError,
} from "../../../../client/adapters/store/errors.ts";
import { StorageQuotaError } from "../../../../client/engine/errors.ts";
import { makePeftFiles } from "./peft_files.ts";
import { openTestStore, quarters, rawCounts, rejection, sha256Of } from "./store_fixtures.ts";

Deno.test("importFiles() records the adapter's PEFT fields, size and SHA-256", async () => {
  const { store } = await openTestStore();
  const files = makePeftFiles({
    seed: 3,
    r: 8,
    loraAlpha: 16,
    modules: ["v_proj", "q_proj", "down_proj"],
    rankPattern: { "layers.1.self_attn.q_proj": 2 },
    config: { use_rslora: true },
  });
  const meta = await store.importFiles(files, { name: "Math", id: "math" });
  assert.deepEqual(meta, {
    id: "math",
    name: "Math",
    peftType: "LORA",
    r: 8,
    loraAlpha: 16,
    targetModules: ["down_proj", "q_proj", "v_proj"],
    useRslora: true,
    rankPattern: { "layers.1.self_attn.q_proj": 2 },
    baseModel: "verity/fixtures-target",
    bytes: files.weights.byteLength,
    sha256: await sha256Of(files.weights),
    createdAt: 1,
  });
  assert.deepEqual(await store.get("math"), meta);
  assert.deepEqual(await store.list(), [meta]);
  assert.equal(await store.get("nope"), undefined);
  store.close();
});

Deno.test("load() gives the parsed config and exportFiles() the exact imported bytes", async () => {
  const { store, reopen } = await openTestStore();
  const files = makePeftFiles({ seed: 5 });
  await store.importFiles(files, { name: "a", id: "a" });
  store.close();
  const again = await reopen();
  const loaded = await again.load("a");
  assert.deepEqual(loaded.config, JSON.parse(files.config));
  assert.deepEqual(loaded.weights, files.weights);
  const exported = await again.exportFiles("a");
  assert.equal(exported.config, files.config);
  assert.deepEqual(exported.weights, files.weights);
  again.close();
});

Deno.test("importFiles() without an id stores under a fresh UUID each time", async () => {
  const { store } = await openTestStore();
  const files = makePeftFiles();
  const a = await store.importFiles(files, { name: "same" });
  const b = await store.importFiles(files, { name: "same" });
  assert.match(a.id, /^[0-9a-f-]{36}$/);
  assert.notEqual(a.id, b.id);
  assert.equal(a.sha256, b.sha256);
  assert.equal((await store.list()).length, 2);
  store.close();
});

Deno.test("list() sorts by name ignoring case and rename() re-sorts and keeps the rest", async () => {
  const { store } = await openTestStore();
  for (const [id, name] of [["1", "gamma"], ["2", "Alpha"], ["3", "beta"]]) {
    await store.importFiles(makePeftFiles({ seed: Number(id) }), { name: name!, id: id! });
  }
  assert.deepEqual((await store.list()).map((m) => m.name), ["Alpha", "beta", "gamma"]);
  const before = await store.get("1");
  const renamed = await store.rename("1", "aardvark");
  assert.deepEqual(renamed, { ...before, name: "aardvark" });
  assert.deepEqual(await store.get("1"), renamed);
  assert.deepEqual((await store.list()).map((m) => m.id), ["1", "2", "3"]);
  const missing = await rejection(store.rename("nope", "x"));
  assert.ok(missing instanceof AdapterNotFoundError);
  assert.equal(
    missing.message,
    "Cannot rename adapter 'nope' as no adapter with this id is stored",
  );
  store.close();
});

Deno.test("delete() removes metadata and files together and ignores an absent id", async () => {
  const { store, factory } = await openTestStore();
  await store.importFiles(makePeftFiles({ seed: 1 }), { name: "a", id: "a" });
  await store.importFiles(makePeftFiles({ seed: 2 }), { name: "b", id: "b" });
  await store.delete("a");
  await store.delete("a");
  assert.deepEqual((await store.list()).map((m) => m.id), ["b"]);
  assert.deepEqual(await rawCounts(factory), { adapters: 1, files: 1 });
  const err = await rejection(store.load("a"));
  assert.ok(err instanceof AdapterNotFoundError);
  assert.equal(err.message, "Cannot load adapter 'a' as no adapter with this id is stored");
  store.close();
});

Deno.test("a duplicate id is refused unless replace is set, which swaps the adapter whole", async () => {
  const { store, factory } = await openTestStore();
  const first = makePeftFiles({ seed: 1 });
  const second = makePeftFiles({ seed: 2, r: 2, modules: ["o_proj"] });
  const original = await store.importFiles(first, { name: "one", id: "x" });
  const err = await rejection(store.importFiles(second, { name: "two", id: "x" }));
  assert.ok(err instanceof AdapterExistsError);
  assert.equal(
    err.message,
    "Cannot import adapter 'two' as id 'x' is taken by adapter 'one': pass replace: true to overwrite it",
  );
  assert.deepEqual(await store.get("x"), original);
  assert.deepEqual((await store.exportFiles("x")).weights, first.weights);
  const replaced = await store.importFiles(second, { name: "two", id: "x", replace: true });
  assert.equal(replaced.r, 2);
  assert.deepEqual(await store.get("x"), replaced);
  assert.deepEqual((await store.exportFiles("x")).weights, second.weights);
  assert.deepEqual(await rawCounts(factory), { adapters: 1, files: 1 });
  store.close();
});

Deno.test("concurrent imports all land, and racing on one id lets exactly one win", async () => {
  const { store, factory } = await openTestStore();
  const many = await Promise.all(
    Array.from(
      { length: 12 },
      (_, i) => store.importFiles(makePeftFiles({ seed: i }), { name: `n${i}`, id: `id${i}` }),
    ),
  );
  assert.equal(new Set(many.map((m) => m.sha256)).size, 12);
  const race = await Promise.allSettled(
    [1, 2, 3].map((s) =>
      store.importFiles(makePeftFiles({ seed: 100 + s }), { name: `r${s}`, id: "r" })
    ),
  );
  const won = race.filter((r) => r.status === "fulfilled");
  const lost = race.flatMap((r) => r.status === "rejected" ? [r.reason as Error] : []);
  assert.equal(won.length, 1);
  assert.deepEqual(lost.map((e) => e.name), ["AdapterExistsError", "AdapterExistsError"]);
  const winner = (won[0] as PromiseFulfilledResult<{ sha256: string }>).value;
  const stored = await store.exportFiles("r");
  assert.equal(await sha256Of(stored.weights), winner.sha256);
  assert.deepEqual(await rawCounts(factory), { adapters: 13, files: 13 });
  store.close();
});

Deno.test("list() returns all of 1,000 stored adapters in name order", async () => {
  const { store } = await openTestStore();
  const files = makePeftFiles({ r: 1, layers: 1, modules: ["q_proj"] });
  const names: string[] = [];
  for (let batch = 0; batch < 1000; batch += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, j) => {
      const i = batch + j;
      const name = `adapter-${String(999 - i).padStart(4, "0")}`;
      names.push(name);
      return store.importFiles(files, { name, id: `id-${i}` });
    }));
  }
  const listed = await store.list();
  assert.equal(listed.length, 1000);
  assert.deepEqual(listed.map((m) => m.name), names.toSorted());
  assert.equal(listed[0]?.id, "id-999");
  assert.ok(listed.every((m) => m.bytes === files.weights.byteLength));
  store.close();
});

Deno.test("importFiles() streams a Blob's weights with byte progress up to the total", async () => {
  const { store } = await openTestStore();
  const files = makePeftFiles({ layers: 8, modules: ["gate_proj", "up_proj", "down_proj"], r: 16 });
  const events: { loaded: number; total: number }[] = [];
  const meta = await store.importFiles(
    {
      config: new Blob([files.config]),
      weights: new Blob(quarters(files.weights)),
    },
    { name: "blob", onProgress: (p) => events.push(p) },
  );
  const total = files.weights.byteLength;
  assert.deepEqual(events[0], { loaded: 0, total });
  assert.deepEqual(events.at(-1), { loaded: total, total });
  assert.equal(events.length, 5, "a start event and one per part");
  for (let i = 1; i < events.length; i++) assert.ok(events[i]!.loaded >= events[i - 1]!.loaded);
  assert.deepEqual((await store.exportFiles(meta.id)).weights, files.weights);
  store.close();
});

Deno.test("storage() and persist() report the storage manager, or nulls and false without one", async () => {
  let persisted = false;
  const storage = {
    estimate: () => Promise.resolve({ usage: 1234, quota: 10_000_000 }),
    persist: () => Promise.resolve(persisted = true),
    persisted: () => Promise.resolve(persisted),
  };
  const { store } = await openTestStore({ storage });
  assert.deepEqual(await store.storage(), { usage: 1234, quota: 10_000_000, persisted: false });
  assert.equal(await store.persist(), true);
  assert.deepEqual(await store.storage(), { usage: 1234, quota: 10_000_000, persisted: true });
  store.close();
  const { store: bare } = await openTestStore();
  assert.deepEqual(await bare.storage(), { usage: null, quota: null, persisted: null });
  assert.equal(await bare.persist(), false);
  bare.close();
});

Deno.test("an import larger than the estimated free space fails with StorageQuotaError", async () => {
  const files = makePeftFiles();
  const storage = { estimate: () => Promise.resolve({ usage: 9_000, quota: 10_000 }) };
  const { store, factory } = await openTestStore({ storage });
  const err = await rejection(store.importFiles(files, { name: "big" }));
  assert.ok(err instanceof StorageQuotaError);
  const bytes = files.weights.byteLength + files.config.length;
  assert.equal(
    err.message,
    `Cannot import adapter 'big' (${bytes} bytes) as browser storage is full: usage 9000 of quota 10000 bytes leaves 1000 bytes free`,
  );
  assert.deepEqual(await rawCounts(factory), { adapters: 0, files: 0 });
  store.close();
});

Deno.test("load() refuses stored weights whose length differs from the metadata", async () => {
  const { store, factory } = await openTestStore();
  const files = makePeftFiles();
  await store.importFiles(files, { name: "a", id: "a" });
  const raw = new Dexie("verity-adapters", { indexedDB: factory, IDBKeyRange });
  await raw.open();
  await raw.table("files").put({ id: "a", config: files.config, weights: new ArrayBuffer(3) });
  raw.close();
  const err = await rejection(store.load("a"));
  assert.ok(err instanceof AdapterNotFoundError);
  assert.equal(
    err.message,
    `Cannot load adapter 'a' as its stored weights are damaged: expected ${files.weights.byteLength} bytes`,
  );
  store.close();
});

Deno.test("importUrl() outside a page needs an absolute URL", async () => {
  const { store } = await openTestStore();
  const err = await rejection(store.importUrl("adapters/math"));
  assert.equal(err.name, "AdapterImportError");
  assert.equal(
    err.message,
    "Cannot import adapter from 'adapters/math' as it must be a URL (absolute outside a page)",
  );
  store.close();
});

Deno.test("a taken id fails importUrl() before anything is downloaded", async () => {
  const { store } = await openTestStore();
  await store.importFiles(makePeftFiles(), { name: "one", id: "x" });
  let fetches = 0;
  const counting: typeof fetch = () => {
    fetches++;
    return Promise.resolve(new Response(null, { status: 500 }));
  };
  const err = await rejection(store.importUrl("http://a.test/two/", { id: "x", fetch: counting }));
  assert.ok(err instanceof AdapterExistsError);
  assert.equal(fetches, 0);
  const blank = await rejection(store.importFiles(makePeftFiles(), { name: "b", id: " " }));
  assert.equal(
    blank.message,
    `Cannot import adapter 'b' as 'id' must not be empty: current value is " "`,
  );
  store.close();
});
