/**
 * The Lab tab's worker handle (client/ui/lab/worker_runner.ts): Stop first aborts through the
 * transport, and terminates a worker that does not answer within the grace period; a worker
 * that fails to load rejects the run with the URL and reason. The worker here is a scripted
 * stand-in (real workers are covered by tests/e2e/lab_tab_test.ts).
 */
import assert from "node:assert/strict";
import { LabAbortedError } from "../../../client/lab/errors.ts";
import { toWireError } from "../../../client/lab/worker/protocol.ts";
import { WorkerRunner } from "../../../client/ui/lab/worker_runner.ts";

/** A stand-in worker: records messages, answers aborts only when `answersAbort` is set. */
class ScriptedWorker extends EventTarget {
  readonly posted: { kind: string; id: number }[] = [];
  terminated = false;
  constructor(readonly answersAbort: boolean) {
    super();
  }
  postMessage(m: { kind: string; id: number }): void {
    this.posted.push(m);
    if (m.kind === "abort" && this.answersAbort) {
      queueMicrotask(() =>
        this.dispatchEvent(
          new MessageEvent("message", {
            data: { kind: "error", id: m.id, error: toWireError(new LabAbortedError()) },
          }),
        )
      );
    }
  }
  terminate(): void {
    this.terminated = true;
  }
}

function runnerWith(answersAbort: boolean, graceMs = 30) {
  const workers: ScriptedWorker[] = [];
  const runner = new WorkerRunner({
    workerUrl: "/lab.js",
    stopGraceMs: graceMs,
    createWorker: () => {
      const w = new ScriptedWorker(answersAbort);
      workers.push(w);
      return w as unknown as Worker;
    },
  });
  return { runner, workers };
}

Deno.test("Stop aborts the run through the worker, which stays alive for the next run", async () => {
  const { runner, workers } = runnerWith(true);
  const run = runner.run("grokking", {});
  assert.equal(runner.running, true);
  runner.stop();
  await assert.rejects(
    run,
    (e: Error) => e instanceof LabAbortedError && !/terminated/.test(e.message),
  );
  assert.equal(runner.running, false);
  await new Promise((r) => setTimeout(r, 60)); // past the grace period
  assert.deepEqual(workers.map((w) => w.terminated), [false]);
  assert.deepEqual(workers[0]!.posted.map((m) => m.kind), ["run", "abort"]);
  runner.dispose();
});

Deno.test("Stop terminates a worker that does not answer, and the next run gets a new one", async () => {
  const { runner, workers } = runnerWith(false);
  const run = runner.run("grokking", {});
  runner.stop();
  await assert.rejects(
    run,
    (e: Error) =>
      e instanceof LabAbortedError &&
      /did not answer within 30 ms and was terminated/.test(e.message),
  );
  assert.equal(workers[0]!.terminated, true);
  const next = runner.run("ntk", {});
  assert.equal(workers.length, 2);
  runner.dispose();
  await assert.rejects(next, /the Lab tab was closed/);
});

Deno.test("a worker that fails to load rejects the run with its URL and the reason", async () => {
  const { runner, workers } = runnerWith(true);
  const run = runner.run("grokking", {});
  workers[0]!.dispatchEvent(new ErrorEvent("error", { message: "SyntaxError: bad bundle" }));
  await assert.rejects(
    run,
    /^Error: Cannot run the lab worker from '\/lab\.js': SyntaxError: bad bundle$/,
  );
  assert.equal(workers[0]!.terminated, true);
  runner.dispose();
});
