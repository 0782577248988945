import assert from "node:assert/strict";
import { fixtureModels } from "../../tools/forge/fixture_models.ts";
import { ReferenceLlama } from "../../tools/forge/reference_llama.ts";
import { fixtureEngine, ortTest } from "./engine_fixtures.ts";
import { referenceGreedy } from "./make_golden.ts";

interface GoldenCase {
  kind: "chat" | "raw";
  text: string;
  prompt: number[];
  tokens: number[];
}
const golden = JSON.parse(
  await Deno.readTextFile(new URL("./golden/fixtures.json", import.meta.url)),
) as Record<"target" | "draft", GoldenCase[]>;

Deno.test("golden file equals the reference forward pass's greedy tokens", () => {
  for (const fm of fixtureModels()) {
    const ref = new ReferenceLlama(fm.config, fm.weights);
    for (const g of golden[fm.name as "target" | "draft"]) {
      const { tokens } = referenceGreedy(
        ref,
        g.prompt,
        g.tokens.length,
        fm.config.eos_token_id as number,
      );
      assert.deepEqual(tokens, g.tokens);
    }
  }
});

for (const ep of ["wasm", "webgpu"] as const) {
  for (const name of ["target", "draft"] as const) {
    Deno.test({
      name: `engine greedy output of the ${name} fixture equals the golden tokens on ${ep}`,
      ...ortTest,
      fn: async () => {
        const engine = await fixtureEngine(name, ep);
        try {
          const cases = golden[name];
          const results = await engine.generate(cases.map((g, i) => ({
            id: String(i),
            ...(g.kind === "chat"
              ? { messages: [{ role: "user" as const, content: g.text }] }
              : { prompt: g.text }),
            max_tokens: g.tokens.length,
            temperature: 0,
          })));
          for (const [i, r] of results.entries()) {
            const g = cases[i]!;
            assert.equal(r.usage.prompt_tokens, g.prompt.length, "prompt tokenization");
            assert.deepEqual(r.tokens, g.tokens, `${name} ${ep} case ${i}`);
          }
        } finally {
          await engine.dispose();
        }
      },
    });
  }
}
