/**
 * WebGPU: the slot pool keeps the stacked adapters in GPU buffers (Tensor.fromGpuBuffer), and a
 * mixed-adapter batch still generates what each request generates alone on its merged model.
 */
import assert from "node:assert/strict";
import { createEngine } from "../../../client/engine/engine.ts";
import { configureOrt } from "../../../client/engine/ort.ts";
import type { GenerateRequest } from "../../../client/engine/api.ts";
import { ortTest } from "../engine/engine_fixtures.ts";
import { fixtureSource, loraFolder, mergedFolder } from "./lora_helpers.ts";

Deno.test({
  name: "under WebGPU adapters live in GPU buffers and mixed batches equal their merged models",
  ...ortTest,
  fn: async () => {
    configureOrt({ numThreads: 1 });
    const reqs: GenerateRequest[] = ["alpha", undefined, "beta"].map((adapter, i) => ({
      id: `g${i}`,
      prompt: ["The river", "Hello", "Numbers: 1 2 3"][i]!,
      max_tokens: 5,
      temperature: 0,
      ...(adapter !== undefined ? { adapter } : {}),
    }));
    const engine = await createEngine(
      { model: { kind: "bytes", files: loraFolder() }, ep: "webgpu", adapterSlots: 2 },
      { adapters: fixtureSource() },
    );
    let got: number[][];
    try {
      got = (await engine.generate(reqs)).map((r) => r.tokens);
      const m = await engine.adapterMetrics();
      assert.equal(m.location, "gpu-buffer");
      assert.equal(m.loads, 2);
    } finally {
      await engine.dispose();
    }
    const want: number[][] = [];
    for (const r of reqs) {
      const merged = await createEngine({
        model: { kind: "bytes", files: mergedFolder(r.adapter) },
        ep: "wasm",
      });
      try {
        const { adapter: _a, ...plain } = r;
        want.push((await merged.generate([plain]))[0]!.tokens);
      } finally {
        await merged.dispose();
      }
    }
    assert.deepEqual(got, want);
  },
});
