/**
 * The concurrent item runner: order kept, concurrency bounded, first failure rethrown,
 * progress lines with counts and ETA.
 *
 * @module
 */
import assert from "node:assert/strict";
import { progressText, runPool } from "../../../tools/eval/pool.ts";

Deno.test("runPool() keeps item order and never exceeds the concurrency", async () => {
  let running = 0;
  let peak = 0;
  const lines: string[] = [];
  const out = await runPool([5, 1, 4, 2, 3, 0, 6], async (x, i) => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((r) => setTimeout(r, x));
    running--;
    return `${i}:${x * 2}`;
  }, { label: "t", concurrency: 3, log: (l) => lines.push(l) });
  assert.deepEqual(out, ["0:10", "1:2", "2:8", "3:4", "4:6", "5:0", "6:12"]);
  assert.equal(peak, 3);
  assert.match(lines.at(-1)!, /^t 7\/7 \(100\.0%\) .* ETA 0s$/);
});

Deno.test("runPool() rethrows the first failure and starts no new items after it", async () => {
  const started: number[] = [];
  await assert.rejects(
    runPool([0, 1, 2, 3, 4, 5], async (x) => {
      started.push(x);
      await Promise.resolve();
      if (x === 1) throw new Error("boom");
      return x;
    }, { label: "t", concurrency: 2 }),
    /boom/,
  );
  assert.ok(started.length <= 3, `${started}`);
});

Deno.test("progressText() shows counts, rate, elapsed time and ETA", () => {
  assert.equal(
    progressText("cove", 10, 40, 5),
    "cove 10/40 (25.0%) 2.00 items/s elapsed 5s ETA 15s",
  );
  assert.equal(progressText("cove", 0, 40, 0), "cove 0/40 (0.0%) 0.00 items/s elapsed 0s ETA ?");
});
