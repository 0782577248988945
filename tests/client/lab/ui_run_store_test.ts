/**
 * The Lab tab's run history (client/ui/lab/run_store.ts) on fake-indexeddb, and the run record
 * helpers: each test opens its own empty IndexedDB.
 */
import assert from "node:assert/strict";
import { Dexie } from "dexie";
import { IDBFactory, IDBKeyRange } from "fake-indexeddb";
import {
  addPoint,
  newRunRecord,
  resultScalars,
  runLabel,
} from "../../../client/ui/lab/run_record.ts";
import { LAB_DB, LabRunStore, LabStoreError } from "../../../client/ui/lab/run_store.ts";

function open(factory = new IDBFactory()): { store: LabRunStore; factory: IDBFactory } {
  return { store: new LabRunStore({ indexedDB: factory, IDBKeyRange }), factory };
}

Deno.test("a stored run comes back whole, with its series points and result", async () => {
  const { store } = open();
  try {
    const r = newRunRecord("grokking", { p: 23 }, "auto", 1000);
    addPoint(r.points, "train", { step: 0, train_loss: 3.1 });
    addPoint(r.points, "train", { step: 20, train_loss: 2.5 });
    const id = await store.add(r);
    await store.update(id, { status: "done", result: { grok_step: null }, finishedAt: 2000 });
    const back = await store.get(id);
    assert.deepEqual(back, {
      ...r,
      id,
      status: "done",
      result: { grok_step: null },
      finishedAt: 2000,
    });
  } finally {
    store.close();
  }
});

Deno.test("list() returns runs newest first and delete() removes one", async () => {
  const { store } = open();
  try {
    const a = await store.add(newRunRecord("ntk", {}, "wasm", 1));
    const b = await store.add(newRunRecord("llc", {}, "auto", 3));
    const c = await store.add(newRunRecord("grokking", {}, "webgpu", 2));
    assert.deepEqual((await store.list()).map((r) => r.id), [b, c, a]);
    await store.delete(c);
    assert.deepEqual((await store.list()).map((r) => r.experiment), ["llc", "ntk"]);
    await assert.rejects(store.get(c), LabStoreError);
    await assert.rejects(store.update(c, { status: "done" }), LabStoreError);
  } finally {
    store.close();
  }
});

Deno.test("markInterrupted() closes runs a vanished page left running, and only those", async () => {
  const { store } = open();
  try {
    const running = await store.add(newRunRecord("grokking", {}, "auto", 1));
    const done = await store.add({ ...newRunRecord("ntk", {}, "auto", 2), status: "done" });
    assert.equal(await store.markInterrupted(99), 1);
    const r = await store.get(running);
    assert.deepEqual([r.status, r.finishedAt], ["interrupted", 99]);
    assert.equal((await store.get(done)).status, "done");
  } finally {
    store.close();
  }
});

Deno.test("runs live in their own versioned database, and damaged rows are skipped", async () => {
  const { store, factory } = open();
  try {
    const id = await store.add(newRunRecord("grokking", {}, "auto", 5));
    const raw = new Dexie(LAB_DB, { indexedDB: factory, IDBKeyRange });
    raw.version(1).stores({ runs: "++id, experiment, startedAt, status" });
    await raw.open();
    assert.equal(raw.verno, 1);
    await raw.table("runs").add({ experiment: "nope", startedAt: 9, status: "done" });
    raw.close();
    assert.deepEqual((await store.list()).map((r) => r.id), [id]);
    await assert.rejects(store.get(id + 1), /does not match the run schema/);
  } finally {
    store.close();
  }
});

Deno.test("resultScalars() and runLabel() describe a run in one line", () => {
  assert.deepEqual(
    resultScalars({ grok_step: 120, device: "webgpu", ok: true, none: null, series: { a: [1] } }),
    [["grok_step", 120], ["device", "webgpu"], ["ok", true], ["none", null]],
  );
  assert.deepEqual(resultScalars([1, 2]), []);
  const r = { ...newRunRecord("llc", {}, "auto", Date.UTC(2026, 11, 1, 14, 0, 0)), id: 3 };
  assert.equal(runLabel(r), "#3 llc · running · auto · 2026-12-01 14:00:00 UTC");
});
