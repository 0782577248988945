import assert from "node:assert/strict";
import { ortTest } from "../engine_fixtures.ts";
import { headEngine } from "./head_model.ts";

const REQ = { id: "g", prompt: "The quick brown fox", max_tokens: 6, temperature: 0, seed: 1 };

Deno.test({
  name:
    "under WebGPU w 'head' with a zero head equals the plain run, and the branched caches are all disposed",
  ...ortTest,
  fn: async () => {
    const engine = await headEngine({ kind: "zero" }, "webgpu");
    try {
      assert.equal((await engine.info()).ep, "webgpu");
      const [plain] = await engine.generate([REQ]);
      const [head] = await engine.generate([{ ...REQ, thinking: { k: 2, t: 2, w: "head" } }]);
      assert.deepEqual(head!.tokens, plain!.tokens);
      assert.deepEqual(head!.token_logprobs, plain!.token_logprobs);
      assert.equal(head!.thinking!.thought_tokens, 6 * 2 * 2);
      assert.equal((await engine.stats()).gpuTensorsLive, 0);
    } finally {
      await engine.dispose();
    }
  },
});

Deno.test({
  name: "under WebGPU a varying head mixes with its w and leaves no GPU tensor alive",
  ...ortTest,
  fn: async () => {
    const engine = await headEngine({ kind: "varying" }, "webgpu");
    try {
      const [head] = await engine.generate([{
        ...REQ,
        thinking: { k: 2, t: 3, w: "head", trace: true },
      }]);
      const ws = head!.thinking!.trace!.map((s) => s.w);
      assert.equal(ws.length, 6);
      assert.ok(ws.some((w) => w > 0) && ws.every((w) => w >= 0 && w <= 1), `${ws}`);
      assert.equal((await engine.stats()).gpuTensorsLive, 0);
    } finally {
      await engine.dispose();
    }
  },
});
