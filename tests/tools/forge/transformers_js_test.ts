/**
 * Golden test: @huggingface/transformers loads a forged folder from disk and its greedy
 * generate() equals the greedy continuation of the independent TypeScript reference, token
 * for token, for the untied target and the tied draft.
 */
import assert from "node:assert/strict";
import { Tokenizer } from "@huggingface/tokenizers";
import { runForge } from "../../../tools/forge/main.ts";
import { parseLlamaConfig } from "../../../tools/forge/llama_config.ts";
import { llamaWeightsFromSafetensors } from "../../../tools/forge/weights.ts";
import { argmaxWithMargin, ReferenceLlama } from "./reference_llama.ts";
import { transformersGreedy } from "./transformers_greedy.ts";

const PROMPT =
  "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n";

Deno.test({
  name: "transformers.js greedy generate() on forged folders equals the reference greedy tokens",
  // onnxruntime-node keeps native handles alive after model.dispose().
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "verity_forge_tjs_" });
    try {
      await runForge(["--out", dir, "--safetensors"], () => {});
      for (const name of ["target", "draft"]) {
        const folder = `${dir}/${name}`;
        const config = parseLlamaConfig(
          JSON.parse(await Deno.readTextFile(`${folder}/config.json`)),
        );
        const weights = llamaWeightsFromSafetensors(
          config,
          await Deno.readFile(`${folder}/model.safetensors`),
        );
        const tokenizer = new Tokenizer(
          JSON.parse(await Deno.readTextFile(`${folder}/tokenizer.json`)),
          JSON.parse(await Deno.readTextFile(`${folder}/tokenizer_config.json`)),
        );
        const promptIds = tokenizer.encode(PROMPT).ids;
        const eos = ([] as number[]).concat(config.eos_token_id);
        const expected = new ReferenceLlama(config, weights).greedy(promptIds, 20, eos);

        const got = await transformersGreedy(folder, PROMPT, 20);
        assert.deepEqual(
          got.promptIds,
          promptIds,
          "transformers.js tokenizes the prompt like tokenizers.js",
        );
        console.log(
          `[golden] ${name}: ${got.newTokens.length} tokens, min top-2 logit margin ${
            Math.min(...expected.margins).toFixed(4)
          }: ${JSON.stringify(got.newTokens)}`,
        );
        assert.ok(Math.min(...expected.margins) > 1e-3, "reference greedy path has no near-ties");
        assert.deepEqual(got.newTokens, expected.tokens);
        assert.equal(got.newTokens.length, 20);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("argmaxWithMargin returns the best index and its gap to the runner-up", () => {
  assert.deepEqual(argmaxWithMargin([0.5, 2, 1.25]), [1, 0.75]);
});
