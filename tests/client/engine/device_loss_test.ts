/**
 * The device-loss guard of the engine. Deno has no WebGPU device to lose, so `lost` is a promise
 * the test resolves; the real loss (a crashed GPU process in Chromium) is covered end to end in
 * tests/e2e/ui_device_lost_test.ts.
 */
import assert from "node:assert/strict";
import { DeviceLossGuard, deviceLostMessage } from "../../../client/engine/device_loss.ts";
import { DeviceLostError, GenerationAbortedError } from "../../../client/engine/errors.ts";
import type { RowEnd } from "../../../client/engine/batch_runner.ts";
import { fromWireError, toWireError } from "../../../client/engine/worker/protocol.ts";
import { explainFailure } from "../../../client/ui/shell/failures.ts";

type LostInfo = { reason: string; message: string };

/** A device whose loss the test triggers. */
function device(): { lost: Promise<LostInfo>; lose(info: LostInfo): void } {
  const { promise, resolve } = Promise.withResolvers<LostInfo>();
  return { lost: promise, lose: resolve };
}

/** A row like GenerationRow: `end` settles `result` (only the first call counts). */
function row(): { end(o: RowEnd): void; result: Promise<string>; ends: number } {
  const { promise, resolve, reject } = Promise.withResolvers<string>();
  const r = {
    ends: 0,
    result: promise,
    end(o: RowEnd) {
      r.ends++;
      if (o.error !== undefined) reject(o.error);
      else resolve("done");
    },
  };
  return r;
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a rejection");
}

const LOSS = {
  reason: "unknown",
  message: "A valid external Instance reference no longer exists.",
};
const EXPECTED =
  "Cannot run as the WebGPU device was lost (unknown): A valid external Instance reference no longer exists.";

Deno.test("check() passes before the loss and throws DeviceLostError with the reason after", async () => {
  const d = device();
  const guard = new DeviceLossGuard();
  guard.watch(d);
  guard.check();
  assert.equal(guard.error, undefined);
  d.lose(LOSS);
  await d.lost;
  await Promise.resolve();
  assert.throws(() => guard.check(), (e: Error) => {
    assert.ok(e instanceof DeviceLostError);
    assert.equal(e.name, "DeviceLostError");
    assert.equal(e.message, EXPECTED);
    return true;
  });
});

Deno.test("rows the runner never ends (a hung forward pass) end with DeviceLostError on loss", async () => {
  const d = device();
  const guard = new DeviceLossGuard();
  guard.watch(d);
  const a = guard.track(row());
  const b = guard.track(row());
  assert.equal(guard.tracked, 2);
  d.lose(LOSS);
  const [ea, eb] = await Promise.all([failure(a.result), failure(b.result)]);
  assert.ok(ea instanceof DeviceLostError);
  assert.equal(eb.message, EXPECTED);
  assert.equal(guard.tracked, 0);
});

Deno.test("a row failed by the runtime just before the loss reports the loss, not the runtime error", async () => {
  const d = device();
  const guard = new DeviceLossGuard({ settleMs: 5_000 });
  guard.watch(d);
  const r = guard.track(row());
  r.end({ error: new Error("Failed to execute 'mapAsync' on 'GPUBuffer': Device is lost") });
  setTimeout(() => d.lose(LOSS), 20);
  const t0 = performance.now();
  const err = await failure(r.result);
  assert.ok(err instanceof DeviceLostError, `${err.name}: ${err.message}`);
  assert.ok(performance.now() - t0 < 2_000, "ended when lost resolved, not after settleMs");
});

Deno.test("without a loss a runtime error is kept after settleMs", async () => {
  const d = device();
  const guard = new DeviceLossGuard({ settleMs: 30 });
  guard.watch(d);
  const r = guard.track(row());
  r.end({ error: new RangeError("bad shape") });
  const err = await failure(r.result);
  assert.ok(err instanceof RangeError);
  assert.equal(err.message, "bad shape");
  assert.equal(guard.error, undefined);
});

Deno.test("finished and aborted rows end as they are and leave the guard", async () => {
  const d = device();
  const guard = new DeviceLossGuard();
  guard.watch(d);
  const done = guard.track(row());
  const aborted = guard.track(row());
  done.end({});
  aborted.end({ error: new GenerationAbortedError() });
  assert.equal(await done.result, "done");
  assert.ok((await failure(aborted.result)) instanceof GenerationAbortedError);
  assert.equal(guard.tracked, 0);
  d.lose(LOSS);
  await d.lost;
  await Promise.resolve();
  assert.equal(done.ends, 1);
  assert.equal(aborted.ends, 1);
});

Deno.test("a guard that watches nothing (wasm) passes runtime errors on at once", async () => {
  const guard = new DeviceLossGuard({ settleMs: 60_000 });
  const r = guard.track(row());
  r.end({ error: new Error("wasm failed") });
  assert.equal((await failure(r.result)).message, "wasm failed");
  guard.check();
});

Deno.test("DeviceLostError keeps its class and message across the worker transport", () => {
  const back = fromWireError(toWireError(new DeviceLostError(deviceLostMessage(LOSS))));
  assert.ok(back instanceof DeviceLostError);
  assert.equal(back.name, "DeviceLostError");
  assert.equal(back.message, EXPECTED);
});

Deno.test("an empty loss message still reads as a sentence", () => {
  assert.equal(
    deviceLostMessage({ reason: "destroyed", message: "" }),
    "Cannot run as the WebGPU device was lost (destroyed): no message",
  );
});

Deno.test("a late end from the runner after the loss changes nothing (no text after the error)", async () => {
  const d = device();
  const guard = new DeviceLossGuard();
  guard.watch(d);
  const r = guard.track(row());
  d.lose(LOSS);
  assert.ok((await failure(r.result)) instanceof DeviceLostError);
  r.end({});
  r.end({ error: new TypeError("Cannot read properties of undefined (reading 'destroy')") });
  assert.equal(r.ends, 1, "the row's own end ran once");
});

Deno.test("the page names DeviceLostError by its name and offers both restarts", () => {
  const f = explainFailure({ name: "DeviceLostError", message: "opaque text" }, "chat");
  assert.equal(f.kind, "device-lost");
  assert.deepEqual(f.actions.map((a) => [a.action, a.label]), [
    ["restart-webgpu", "Restart on WebGPU"],
    ["restart-wasm", "Continue on wasm (CPU)"],
  ]);
  // Reported some other way, the message still gives the loss away.
  assert.equal(
    explainFailure({ name: "Error", message: "GPUDevice was lost" }, "chat").kind,
    "device-lost",
  );
  assert.equal(explainFailure({ name: "Error", message: "opaque text" }, "chat").kind, "other");
});
