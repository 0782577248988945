import assert from "node:assert/strict";
import { ortTest } from "../engine_fixtures.ts";
import { thinkingEngine } from "./thinking_model.ts";

Deno.test({
  name: "under WebGPU thinking with w = 0 equals the plain run and thought caches are all disposed",
  ...ortTest,
  fn: async () => {
    const engine = await thinkingEngine("webgpu");
    try {
      assert.equal((await engine.info()).ep, "webgpu");
      const req = {
        id: "g",
        prompt: "The quick brown fox",
        max_tokens: 6,
        temperature: 0,
        seed: 1,
      };
      const [plain] = await engine.generate([req]);
      const [w0] = await engine.generate([{ ...req, thinking: { k: 2, t: 2, w: 0 } }]);
      assert.deepEqual(w0!.tokens, plain!.tokens);
      assert.deepEqual(w0!.token_logprobs, plain!.token_logprobs);
      const [mixed] = await engine.generate([{ ...req, thinking: { k: 2, t: 2, w: 0.5 } }]);
      assert.equal(mixed!.thinking!.thought_tokens, 6 * 2 * 2);
      assert.equal((await engine.stats()).gpuTensorsLive, 0);
    } finally {
      await engine.dispose();
    }
  },
});
