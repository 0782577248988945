import assert from "node:assert/strict";
import { ortTest } from "../engine_fixtures.ts";
import { THINKING_MAX_POSITIONS, thinkingEngine } from "./thinking_model.ts";

Deno.test({
  name: "near the end of the context window steps whose thought would not fit skip thinking",
  ...ortTest,
  fn: async () => {
    const engine = await thinkingEngine();
    try {
      const prompt = "the mill by the river ".repeat(7);
      const [r] = await engine.generate([{
        id: "c",
        prompt,
        temperature: 0,
        seed: 2,
        thinking: { k: 1, t: 32, w: 0.5, trace: true },
      }]);
      const trace = r!.thinking!.trace!;
      const promptLen = r!.usage.prompt_tokens;
      assert.ok(promptLen + 34 <= THINKING_MAX_POSITIONS, `prompt ${promptLen} tokens`);
      // Step i holds promptLen + i tokens; a thought needs t + 2 = 34 more positions.
      trace.forEach((s, i) =>
        assert.equal(s.thought, promptLen + i + 34 <= THINKING_MAX_POSITIONS, `step ${i}`)
      );
      assert.ok(trace.some((s) => !s.thought) && trace.some((s) => s.thought));
      assert.equal(r!.finish_reason, "length");
    } finally {
      await engine.dispose();
    }
  },
});
