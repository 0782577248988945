/**
 * The lab worker transport (client/lab/worker/) over a real MessageChannel: device choice with
 * the WebGPU fallback reason, progress, results, errors rebuilt with their lab class, Stop, and
 * one real grokking run through the host on wasm compared with the in-process run.
 */
import assert from "node:assert/strict";
import { initLabDevice } from "../../../client/lab/device.ts";
import { LabAbortedError, LabNumericsError, LabSettingsError } from "../../../client/lab/errors.ts";
import { throwIfAborted } from "../../../client/lab/experiment.ts";
import { runGrokking } from "../../../client/lab/grokking.ts";
import { LabWorkerClient } from "../../../client/lab/worker/lab_client.ts";
import {
  chooseDevice,
  type LabHostDeps,
  probeWebGpu,
  serveLab,
} from "../../../client/lab/worker/lab_host.ts";
import type { DeviceChoice, WireProgress } from "../../../client/lab/worker/protocol.ts";
import { TINY_GROKKING } from "../../../client/ui/lab/presets.ts";
import { labTest, wasm } from "./lab_fixtures.ts";

type Run = LabHostDeps["run"];

/** A host on one end of a MessageChannel and a client on the other. */
function connect(deps: Partial<LabHostDeps>) {
  const { port1, port2 } = new MessageChannel();
  const stopHost = serveLab(port1, {
    initDevice: (name) =>
      Promise.resolve({ device: name === "auto" ? "wasm" : name, available: [] }),
    webgpuProblem: () => Promise.resolve("no GPU in this test"),
    ...deps,
  });
  port1.start();
  port2.start();
  const client = new LabWorkerClient(port2);
  return {
    client,
    port2,
    close() {
      client.dispose();
      stopHost();
      port1.close();
      port2.close();
    },
  };
}

Deno.test("a run's device choice, progress points and result cross the transport", async () => {
  const run: Run = (name, settings, o) => {
    o.onProgress({ fraction: 0.5, message: "half", series: "train", point: { step: 1, loss: 2 } });
    o.onProgress({ fraction: 1, message: "done" });
    return Promise.resolve({ name, settings });
  };
  const t = connect({ run });
  try {
    const devices: DeviceChoice[] = [];
    const progress: WireProgress[] = [];
    t.port2.postMessage({ kind: "progress", id: 99, progress: "not ours" }); // ignored
    const result = await t.client.run("ntk", { seeds: 1 }, {
      onDevice: (d) => devices.push(d),
      onProgress: (p) => progress.push(p),
    });
    assert.deepEqual(result, { name: "ntk", settings: { seeds: 1 } });
    assert.deepEqual(devices, [
      { requested: "auto", device: "wasm", fallbackReason: "no GPU in this test" },
    ]);
    assert.deepEqual(progress, [
      { fraction: 0.5, message: "half", series: "train", point: { step: 1, loss: 2 } },
      { fraction: 1, message: "done" },
    ]);
  } finally {
    t.close();
  }
});

Deno.test("errors come back with their lab class, name, message and cause", async () => {
  const errors: Error[] = [
    new LabSettingsError("Cannot run grokking as 'p' must be >= 3: current value is 2"),
    new LabNumericsError("SGLD diverged at step 7 (chain 0); lower eps"),
    Object.assign(new Error("odd", { cause: new TypeError("inner") }), { name: "OddError" }),
  ];
  let i = 0;
  const t = connect({ run: () => Promise.reject(errors[i++]) });
  try {
    await assert.rejects(
      t.client.run("grokking", {}),
      (e: Error) => e instanceof LabSettingsError && e.message === errors[0]!.message,
    );
    await assert.rejects(
      t.client.run("grokking", {}),
      (e: Error) => e instanceof LabNumericsError && e.name === "LabNumericsError",
    );
    await assert.rejects(
      t.client.run("grokking", {}),
      (e: Error) =>
        e.name === "OddError" && e.message === "odd" &&
        (e.cause as Error).name === "TypeError" && (e.cause as Error).message === "inner",
    );
  } finally {
    t.close();
  }
});

Deno.test("aborting the signal stops the run inside the host with LabAbortedError", async () => {
  let steps = 0;
  const run: Run = async (_n, _s, o) => {
    for (;;) {
      throwIfAborted(o.signal);
      steps++;
      o.onProgress({ fraction: 0, message: `step ${steps}` });
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const t = connect({ run });
  try {
    const controller = new AbortController();
    const pending = t.client.run("grokking", {}, {
      signal: controller.signal,
      onProgress: (p: WireProgress) => {
        if (p.message === "step 3") controller.abort();
      },
    });
    await assert.rejects(pending, LabAbortedError);
    const at = steps;
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(steps, at, "the host loop ended");
    assert.ok(at >= 3 && at < 10, `stopped after ${at} steps`);
  } finally {
    t.close();
  }
});

Deno.test("a second run while one is going is refused, and the first still finishes", async () => {
  let release = () => {};
  const run: Run = () => new Promise((resolve) => (release = () => resolve("first")));
  const t = connect({ run });
  try {
    const first = t.client.run("grokking", {});
    await new Promise((r) => setTimeout(r, 10));
    await assert.rejects(t.client.run("ntk", {}), /runs one experiment at a time/);
    release();
    assert.equal(await first, "first");
  } finally {
    t.close();
  }
});

Deno.test("chooseDevice() takes WebGPU when it starts and says why when it falls back", async () => {
  const calls: string[] = [];
  const init = (fail: boolean) => (name: string) => {
    calls.push(name);
    return fail && name === "webgpu"
      ? Promise.reject(new Error("requestDevice failed"))
      : Promise.resolve({ device: name as "wasm", available: [] });
  };
  const ok = () => Promise.resolve(undefined);
  assert.deepEqual(await chooseDevice("auto", { initDevice: init(false), webgpuProblem: ok }), {
    requested: "auto",
    device: "webgpu",
  });
  assert.deepEqual(await chooseDevice("webgpu", { initDevice: init(true), webgpuProblem: ok }), {
    requested: "webgpu",
    device: "wasm",
    fallbackReason: "jax-js could not start WebGPU: requestDevice failed",
  });
  calls.length = 0;
  const missing = () => Promise.resolve("navigator.gpu is missing");
  assert.deepEqual(
    await chooseDevice("wasm", { initDevice: init(false), webgpuProblem: missing }),
    {
      requested: "wasm",
      device: "wasm",
    },
  );
  assert.deepEqual(calls, ["wasm"]);
});

Deno.test("probeWebGpu() names a missing API, a missing adapter and a failing one", async () => {
  assert.match((await probeWebGpu({})) ?? "", /navigator\.gpu is missing/);
  const none = { gpu: { requestAdapter: () => Promise.resolve(null) } };
  assert.match((await probeWebGpu(none)) ?? "", /found no GPU adapter/);
  const bad = { gpu: { requestAdapter: () => Promise.reject(new Error("blocked")) } };
  assert.equal(await probeWebGpu(bad), "navigator.gpu.requestAdapter() failed: blocked");
  const good = { gpu: { requestAdapter: () => Promise.resolve({}) } };
  assert.equal(await probeWebGpu(good), undefined);
});

Deno.test(
  "a real grokking run through the host on wasm equals the in-process run, point for point",
  labTest,
  async () => {
    await wasm();
    const settings = { ...TINY_GROKKING, steps: 40, evalEvery: 20 };
    const t = connect({ initDevice: initLabDevice });
    try {
      const points: Record<string, number>[] = [];
      const viaWorker = await t.client.run("grokking", settings, {
        device: "wasm",
        onProgress: (p) => p.point && points.push(p.point),
      }) as Awaited<ReturnType<typeof runGrokking>>;
      const direct = await runGrokking(settings);
      assert.deepEqual({ ...viaWorker, wall_seconds: 0 }, { ...direct, wall_seconds: 0 });
      assert.deepEqual(points.map((p) => p.step), [0, 20, 40]);
      assert.deepEqual(points.map((p) => p.train_loss), direct.series.train_loss);
    } finally {
      t.close();
    }
  },
);
