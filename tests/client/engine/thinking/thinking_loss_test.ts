import assert from "node:assert/strict";
import { createDecoder, type Decoder } from "../../../../client/engine/decoder.ts";
import { loadModelFolder } from "../../../../client/engine/loader/load_folder.ts";
import { createTextCodec } from "../../../../client/engine/tokenizer.ts";
import type { ThinkingOptions } from "../../../../client/engine/thinking/options.ts";
import { thinkingLogProbs } from "../../../../client/engine/thinking/thinking_loss.ts";
import { ortTest } from "../engine_fixtures.ts";
import { headEngine, type HeadKind, headModelPath } from "./head_model.ts";

const PROMPT = "The quick brown fox";

const options = (k: number, t: number): ThinkingOptions => ({
  k,
  t,
  w: { kind: "head" },
  onlyAboveEntropy: undefined,
  trace: false,
  startId: 3,
  endId: 4,
});

async function withDecoder(head: HeadKind, fn: (d: Decoder, prompt: number[]) => Promise<void>) {
  const files = await loadModelFolder({ kind: "path", path: await headModelPath(head) });
  const codec = createTextCodec(files.tokenizerJson, files.tokenizerConfig);
  const decoder = await createDecoder(files.onnx, files.config, "wasm");
  try {
    await fn(decoder, codec.encode(PROMPT));
  } finally {
    await decoder.release();
  }
}

Deno.test({
  name: "scored base log-probs equal the engine's greedy token log-probs of the same tokens",
  ...ortTest,
  fn: async () => {
    const engine = await headEngine({ kind: "zero" });
    let tokens: number[], logprobs: number[];
    try {
      const [r] = await engine.generate([{
        id: "a",
        prompt: PROMPT,
        max_tokens: 6,
        temperature: 0,
      }]);
      tokens = r!.tokens;
      logprobs = r!.token_logprobs;
    } finally {
      await engine.dispose();
    }
    await withDecoder({ kind: "zero" }, async (decoder, prompt) => {
      const lp = await thinkingLogProbs(
        decoder,
        { ids: [...prompt, ...tokens], from: prompt.length },
        options(2, 2),
        1,
        4,
      );
      assert.equal(lp.base.length, 6);
      lp.base.forEach((b, i) =>
        assert.ok(Math.abs(b - logprobs[i]!) < 1e-4, `${b} vs ${logprobs[i]}`)
      );
      // A zero head: thinking is exactly the base, with thoughts run.
      assert.deepEqual(lp.thinking, lp.base);
      assert.equal(lp.meanW, 0);
    });
  },
});

Deno.test({
  name: "a constant head w = 1 scores with the post-thought logits only (w read from the model)",
  ...ortTest,
  fn: () =>
    withDecoder({ kind: "constant", w: 1 }, async (decoder, prompt) => {
      const ids = [...prompt, 20, 30, 40, 50, 60];
      const lp = await thinkingLogProbs(decoder, { ids, from: prompt.length }, options(2, 3), 9, 2);
      assert.equal(lp.thinking.length, 5);
      assert.ok(Math.abs(lp.meanW - 1) < 1e-6, `meanW ${lp.meanW}`);
      assert.notDeepEqual(lp.thinking, lp.base);
      for (const x of lp.thinking) assert.ok(Number.isFinite(x) && x < 0);
      // Same seed, same thoughts: the score is reproducible.
      const again = await thinkingLogProbs(
        decoder,
        { ids, from: prompt.length },
        options(2, 3),
        9,
        5,
      );
      assert.deepEqual(
        again.thinking.map((x) => x.toFixed(5)),
        lp.thinking.map((x) => x.toFixed(5)),
      );
    }),
});
