import assert from "node:assert/strict";
import { fixtureEngine, ortTest } from "../engine_fixtures.ts";
import { greedyRequests, specEngine } from "./spec_fixtures.ts";

// WebGPU on Deno's llvmpipe costs ~100 ms a step, so these cases stay small.

Deno.test({
  name:
    "every row of a speculative batch equals target-only greedy decoding on webgpu, and every GPU tensor is disposed",
  ...ortTest,
  fn: async () => {
    // Three rows through two slots: one row joins when another finishes.
    const reqs = greedyRequests((i) => [4, 8, 5][i]!).slice(0, 3);
    const plain = await fixtureEngine("target", "webgpu");
    let expected: number[][];
    try {
      expected = (await plain.generate(reqs)).map((r) => r.tokens);
    } finally {
      await plain.dispose();
    }
    // One key and one value tensor per layer of each cache: target 4 layers, draft 2 or 4.
    for (const [draft, maxLive] of [["truncated", 2 * (4 + 2)], ["target", 2 * (4 + 4)]] as const) {
      const engine = await specEngine(draft, "webgpu", 2);
      try {
        let done = false;
        const live: number[] = [];
        const run = engine.generate(reqs.map((r) => ({ ...r, speculative: { gamma: 3 } })))
          .finally(() => (done = true));
        while (!done) {
          await new Promise((r) => setTimeout(r, 50));
          live.push((await engine.stats()).gpuTensorsLive);
        }
        const results = await run;
        assert.deepEqual(results.map((r) => r.tokens), expected, `${draft} draft`);
        const stats = await engine.stats();
        assert.ok(stats.speculative!.proposed > 0);
        assert.equal(stats.gpuTensorsLive, 0, "every GPU tensor disposed after the run");
        assert.ok(live.every((n) => n <= maxLive), `live GPU tensors ${live}`);
        assert.ok(live.some((n) => n > 0), "the caches were on the GPU while decoding");
      } finally {
        await engine.dispose();
      }
    }
  },
});
