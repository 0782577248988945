import assert from "node:assert/strict";
import { fixtureEngine, ortTest } from "./engine_fixtures.ts";

Deno.test({
  name:
    "under WebGPU the engine holds one KV cache, disposes every GPU tensor and memory stays flat over 500 steps",
  ...ortTest,
  fn: async () => {
    // Deno's WebGPU adapter here is llvmpipe, whose buffers live in process memory, so RSS
    // measures GPU memory too. A leaked KV cache per step would add ~30 MB over steps 100-500
    // for this model (4 tensors of [1, 1, T, 16] float32 per step). The V8 heap is subtracted:
    // its size follows garbage collection timing (and other test modules in the same process),
    // not GPU buffers, which live outside it.
    const engine = await fixtureEngine("draft", "webgpu");
    const layers = 2;
    try {
      let done = false;
      const run = engine.chat.completions.create({
        messages: [{ role: "user", content: "Hi" }],
        max_tokens: 500,
        temperature: 0,
        repetition_penalty: 1.1,
      }).finally(() => (done = true));
      const samples: { step: number; rss: number; live: number }[] = [];
      while (!done) {
        await new Promise((r) => setTimeout(r, 200));
        const s = await engine.stats();
        const mem = Deno.memoryUsage();
        samples.push({ step: s.decodeSteps, rss: mem.rss - mem.heapTotal, live: s.gpuTensorsLive });
      }
      const reply = await run;
      const stats = await engine.stats();
      assert.equal(reply.usage.completion_tokens, 500);
      assert.ok(stats.decodeSteps >= 499, `decode steps ${stats.decodeSteps}`);
      assert.equal(stats.gpuTensorsLive, 0, "every GPU tensor disposed after the run");
      assert.ok(
        samples.every((s) => s.live <= 2 * layers),
        `live GPU tensors ${samples.map((s) => s.live)}`,
      );
      assert.ok(
        samples.some((s) => s.live === 2 * layers),
        "the cache was on the GPU while decoding",
      );
      const early = samples.find((s) => s.step >= 100)!;
      const late = samples.at(-1)!;
      const growth = (late.rss - early.rss) / 1e6;
      assert.ok(
        growth < 12,
        `RSS outside the V8 heap grew ${
          growth.toFixed(1)
        } MB between step ${early.step} and ${late.step}`,
      );
    } finally {
      await engine.dispose();
    }
  },
});
