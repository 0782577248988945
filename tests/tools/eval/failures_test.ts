/**
 * Failed items: recorded, logged once, scored with the fallback, reported as an "errors" row;
 * an abort still stops the run.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { EvalContext } from "../../../tools/eval/context.ts";
import { errorRows, type Failures, guard } from "../../../tools/eval/failures.ts";

function context(lines: string[], signal?: AbortSignal): EvalContext {
  return {
    modelsDir: "unused",
    edgeUrl: "http://127.0.0.1:1",
    limit: Infinity,
    seed: 0,
    log: (l) => lines.push(l),
    engine: () => Promise.reject(new Error("no engine in this test")),
    ...(signal !== undefined ? { signal } : {}),
  };
}

Deno.test("guard() returns the fallback for a failed item, records it and logs only the first", async () => {
  const lines: string[] = [];
  const ctx = context(lines);
  const failures: Failures = [];
  const outs = await Promise.all([1, 2, 3].map((x) =>
    guard(ctx, "cove factored", failures, () => {
      if (x !== 2) return Promise.reject(new RangeError(`bad ${x}`));
      return Promise.resolve("ok");
    }, "")
  ));
  assert.deepEqual(outs, ["", "ok", ""]);
  assert.deepEqual(failures, ["RangeError: bad 1", "RangeError: bad 3"]);
  assert.deepEqual(lines, ["cove factored: an item failed (counted wrong): RangeError: bad 1"]);
});

Deno.test("guard() rethrows when the run was aborted", async () => {
  const abort = new AbortController();
  abort.abort();
  const failures: Failures = [];
  await assert.rejects(
    guard(context([], abort.signal), "x", failures, () => Promise.reject(new Error("aborted")), ""),
    /aborted/,
  );
  assert.deepEqual(failures, []);
});

Deno.test("errorRows() adds a row with the failed share in points only when items failed", () => {
  const key = { section: "cove", set: "list", method: "cove_factored" };
  assert.deepEqual(errorRows(key, 200, []), []);
  assert.deepEqual(errorRows(key, 200, ["EdgeRequestError: too long", "x"]), [{
    ...key,
    metric: "errors",
    n: 200,
    value: 1,
    note: "2 items failed and count as wrong; first: EdgeRequestError: too long",
  }]);
});
