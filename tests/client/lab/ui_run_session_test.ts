/**
 * One run from start to stored outcome (client/ui/lab/run_session.ts) against a real Dexie store
 * on fake-indexeddb and scripted runners: done, stopped and failed runs, periodic saves.
 */
import assert from "node:assert/strict";
import { IDBFactory, IDBKeyRange } from "fake-indexeddb";
import { LabAbortedError, LabNumericsError } from "../../../client/lab/errors.ts";
import type { LabRunOptions } from "../../../client/lab/worker/lab_client.ts";
import { newRunRecord } from "../../../client/ui/lab/run_record.ts";
import { type ExperimentRunner, runSession } from "../../../client/ui/lab/run_session.ts";
import { LabRunStore } from "../../../client/ui/lab/run_store.ts";

type Script = (o: Omit<LabRunOptions, "signal">) => Promise<unknown>;
const runner = (script: Script): ExperimentRunner => ({ run: (_e, _s, o) => script(o) });

function store(): LabRunStore {
  return new LabRunStore({ indexedDB: new IDBFactory(), IDBKeyRange });
}

Deno.test("a finished run is stored as done with its device, points and result", async () => {
  const s = store();
  try {
    const started: number[] = [];
    const final = await runSession(
      s,
      runner((o) => {
        o.onDevice?.({ requested: "auto", device: "wasm", fallbackReason: "no adapter" });
        o.onProgress?.({ fraction: 0.5, message: "step 1", series: "train", point: { step: 1 } });
        o.onProgress?.({ fraction: 0.9, message: "step 2", series: "train", point: { step: 2 } });
        return Promise.resolve({ grok_step: 2 });
      }),
      newRunRecord("grokking", { p: 23 }, "auto"),
      { onStarted: (r) => started.push(r.id) },
    );
    const stored = await s.get(final.id!);
    assert.deepEqual(started, [final.id]);
    assert.deepEqual(
      [stored.status, stored.device, stored.fallbackReason, stored.fraction, stored.message],
      ["done", "wasm", "no adapter", 1, "step 2"],
    );
    assert.deepEqual(stored.points, { train: [{ step: 1 }, { step: 2 }] });
    assert.deepEqual(stored.result, { grok_step: 2 });
    assert.ok(stored.finishedAt !== null && stored.finishedAt >= stored.startedAt);
  } finally {
    s.close();
  }
});

Deno.test("a stopped run is stored as stopped and a failing one with its error", async () => {
  const s = store();
  try {
    const stopped = await runSession(
      s,
      runner((o) => {
        o.onProgress?.({ fraction: 0.1, message: "step 10", series: "train", point: { step: 10 } });
        return Promise.reject(new LabAbortedError());
      }),
      newRunRecord("grokking", {}, "webgpu"),
    );
    const a = await s.get(stopped.id!);
    assert.deepEqual([a.status, a.fraction, a.points.train?.length], ["stopped", 0.1, 1]);
    assert.deepEqual(a.error, { name: "LabAbortedError", message: "Lab experiment was aborted" });
    const failed = await runSession(
      s,
      runner(() => Promise.reject(new LabNumericsError("SGLD diverged at step 3 (chain 0)"))),
      newRunRecord("llc", {}, "auto"),
    );
    const b = await s.get(failed.id!);
    assert.deepEqual([b.status, b.error?.name, b.result], [
      "failed",
      "LabNumericsError",
      undefined,
    ]);
  } finally {
    s.close();
  }
});

Deno.test("points of a running experiment are saved every saveEveryMs, not on every report", async () => {
  const s = store();
  try {
    let clock = 0;
    const seen: number[] = [];
    let id = 0;
    await runSession(
      s,
      runner(async (o) => {
        for (let step = 1; step <= 5; step++) {
          clock += 400; // reports at 0.4, 0.8, 1.2 (saved), 1.6, 2.0 s (0.8 s after the save)
          o.onProgress?.({
            fraction: step / 5,
            message: `step ${step}`,
            series: "t",
            point: { step },
          });
          await new Promise((r) => setTimeout(r, 5));
          seen.push((await s.get(id)).points.t?.length ?? 0);
        }
        return null;
      }),
      newRunRecord("ntk", {}, "auto"),
      { onStarted: (r) => (id = r.id) },
      { saveEveryMs: 1000, now: () => clock },
    );
    assert.deepEqual(seen, [0, 0, 3, 3, 3]);
    assert.equal((await s.get(id)).points.t?.length, 5, "the final update stores every point");
  } finally {
    s.close();
  }
});
