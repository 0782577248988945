import assert from "node:assert/strict";
import { transformersGreedy } from "../../tools/forge/transformers_greedy.ts";
import { fixtureEngine, fixturePath, ortTest } from "./engine_fixtures.ts";

const PROMPTS = ["The river runs past the old mill", "Hello there, who are you?"];

for (const name of ["target", "draft"] as const) {
  Deno.test({
    name:
      `transformers.js greedy generate() on the forged ${name} folder equals Verity's tokens (tokenizer included)`,
    ...ortTest,
    fn: async () => {
      const engine = await fixtureEngine(name, "wasm");
      try {
        for (const prompt of PROMPTS) {
          const theirs = await transformersGreedy(fixturePath(name), prompt, 20);
          const [ours] = await engine.generate([{
            id: "p",
            prompt,
            max_tokens: 20,
            temperature: 0,
          }]);
          assert.equal(
            ours!.usage.prompt_tokens,
            theirs.promptIds.length,
            "same prompt tokenization",
          );
          assert.deepEqual(ours!.tokens, theirs.newTokens);
        }
      } finally {
        await engine.dispose();
      }
    },
  });
}
