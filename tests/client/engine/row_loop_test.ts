/**
 * The runners' scheduling loop on scripted rounds (no model): admission up to the batch size,
 * a failed round ending only the rows in it, aborted rows ending before they run, and a new
 * loop starting on a submit after the last one stopped.
 *
 * @module
 */
import assert from "node:assert/strict";
import { GenerationAbortedError } from "../../../client/engine/errors.ts";
import { type LoopDriver, RowLoop, type RowRounds } from "../../../client/engine/row_loop.ts";

/** A row that needs `steps` rounds and records how it ended. */
class FakeRow implements LoopDriver {
  ended: { error?: Error } | undefined;
  constructor(readonly name: string, public steps: number, readonly signal?: AbortSignal) {}
  end(outcome: { readonly error?: Error }): void {
    this.ended ??= { ...outcome };
  }
}

/** Rounds over a plain array of rows; `failAt` makes that round (1-based) throw. */
function fakeRounds(log: string[], failAt = 0): RowRounds<FakeRow> {
  let rows: FakeRow[] = [];
  let round = 0;
  return {
    active: () => rows.length,
    running: () => rows,
    drop: (ended) => {
      rows = rows.filter((r) => !ended.includes(r));
      return Promise.resolve();
    },
    admit: (queue) => {
      const admitted = queue.splice(0, 2 - rows.length);
      log.push(`admit ${admitted.map((r) => r.name).join(",")}`);
      rows = [...rows, ...admitted];
      return Promise.resolve();
    },
    round: () => {
      round++;
      if (round === failAt) return Promise.reject(new Error("forward pass failed"));
      for (const r of rows) r.steps--;
      const done = rows.filter((r) => r.steps === 0);
      for (const r of done) r.end({});
      rows = rows.filter((r) => r.steps > 0);
      return Promise.resolve();
    },
    clear: () => {
      rows = [];
      log.push("clear");
    },
  };
}

Deno.test("RowLoop admits up to the batch size and refills as rows finish", async () => {
  const log: string[] = [];
  const loop = new RowLoop(fakeRounds(log), 2);
  const rows = [new FakeRow("a", 1), new FakeRow("b", 3), new FakeRow("c", 1)];
  for (const r of rows) loop.submit(r);
  await loop.idle();
  assert.deepEqual(log, ["admit a,b", "admit c", "clear"]);
  assert.ok(rows.every((r) => r.ended !== undefined && r.ended.error === undefined));
  assert.equal(loop.queue.length, 0);
});

Deno.test("RowLoop ends the rows of a failed round with its error and goes on with the queue", async () => {
  const log: string[] = [];
  const loop = new RowLoop(fakeRounds(log, 1), 2);
  const rows = [new FakeRow("a", 2), new FakeRow("b", 2), new FakeRow("c", 1)];
  for (const r of rows) loop.submit(r);
  await loop.idle();
  assert.equal(rows[0]!.ended?.error?.message, "forward pass failed");
  assert.equal(rows[1]!.ended?.error?.message, "forward pass failed");
  assert.deepEqual(rows[2]!.ended, {});
  assert.deepEqual(log, ["admit a,b", "clear", "admit c", "clear"]);
});

Deno.test("RowLoop ends aborted rows, queued or running, with GenerationAbortedError", async () => {
  const log: string[] = [];
  const loop = new RowLoop(fakeRounds(log), 1);
  const stop = new AbortController();
  const running = new FakeRow("a", 1_000, stop.signal);
  const queued = new FakeRow("q", 1, AbortSignal.abort("user stopped"));
  loop.submit(running);
  loop.submit(queued);
  setTimeout(() => stop.abort(new GenerationAbortedError("stopped")), 5);
  await loop.idle();
  assert.ok(queued.ended?.error instanceof GenerationAbortedError);
  assert.match(queued.ended.error.message, /user stopped/);
  assert.ok(running.ended?.error instanceof GenerationAbortedError);
  assert.ok(running.steps < 1_000 && running.steps > 0, "it ran, then stopped on abort");
  assert.ok(!log.includes("admit q"), "an aborted row is never admitted");
});

Deno.test("RowLoop starts again on a submit after it stopped", async () => {
  const log: string[] = [];
  const loop = new RowLoop(fakeRounds(log), 2);
  const first = new FakeRow("a", 1);
  loop.submit(first);
  await loop.idle();
  const second = new FakeRow("b", 1);
  loop.submit(second);
  await loop.idle();
  assert.deepEqual(second.ended, {});
  assert.deepEqual(log, ["admit a", "clear", "admit b", "clear"]);
});
