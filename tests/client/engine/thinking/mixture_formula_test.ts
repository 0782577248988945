import assert from "node:assert/strict";
import { createDecoder, type Decoder } from "../../../../client/engine/decoder.ts";
import { loadModelFolder } from "../../../../client/engine/loader/load_folder.ts";
import { createTextCodec } from "../../../../client/engine/tokenizer.ts";
import { logSumExp } from "../../../../client/engine/sampling/softmax.ts";
import { ortTest } from "../engine_fixtures.ts";
import { thinkingEngine, thinkingModelPath } from "./thinking_model.ts";

const SOT = 3, EOT = 4;

/** Logits ([vocab]) after the whole sequence `ids`, run with no cache. */
async function lastLogits(decoder: Decoder, ids: readonly number[]): Promise<Float32Array> {
  const n = ids.length;
  const out = await decoder.step({
    inputIds: BigInt64Array.from(ids.map(BigInt)),
    attentionMask: new BigInt64Array(n).fill(1n),
    positionIds: BigInt64Array.from(ids.map((_, i) => BigInt(i))),
    batch: 1,
    seq: n,
    past: decoder.emptyKv(1),
  });
  const V = decoder.vocabSize;
  return out.logits.slice((n - 1) * V, n * V);
}

Deno.test({
  name:
    "the emitted token is the argmax of (1 - w) base + w mean(post-thought) logits, recomputed by hand from the traced thoughts",
  ...ortTest,
  fn: async () => {
    const path = await thinkingModelPath();
    const files = await loadModelFolder({ kind: "path", path });
    const codec = createTextCodec(files.tokenizerJson, files.tokenizerConfig);
    const decoder = await createDecoder(files.onnx, files.config, "wasm");
    const engine = await thinkingEngine();
    try {
      const prompt = "A small red hen";
      const w = 0.6;
      const [r] = await engine.generate([{
        id: "m",
        prompt,
        max_tokens: 3,
        temperature: 0,
        seed: 21,
        thinking: { k: 2, t: 3, w, trace: true },
      }]);
      const ids = codec.encode(prompt);
      for (let step = 0; step < 3; step++) {
        const context = [...ids, ...r!.tokens.slice(0, step)];
        const base = await lastLogits(decoder, context);
        const thoughts = r!.thinking!.trace![step]!.thoughts;
        assert.equal(thoughts.length, 2);
        const posts: Float32Array[] = [];
        for (const th of thoughts) {
          posts.push(await lastLogits(decoder, [...context, SOT, ...th, EOT]));
        }
        const mixed = base.map((b, i) => (1 - w) * b + w * (posts[0]![i]! + posts[1]![i]!) / 2);
        let best = 0;
        for (let i = 1; i < mixed.length; i++) if (mixed[i]! > mixed[best]!) best = i;
        const token = r!.tokens[step]!;
        assert.equal(token, best, `step ${step}`);
        const logprob = mixed[token]! - logSumExp(mixed);
        assert.ok(
          Math.abs(logprob - r!.token_logprobs[step]!) < 1e-5,
          `step ${step}: ${logprob} vs ${r!.token_logprobs[step]}`,
        );
        // The mixture moved the distribution: the base logprob of the token differs.
        assert.ok(Math.abs(base[token]! - logSumExp(base) - logprob) > 1e-4);
      }
    } finally {
      await engine.dispose();
      await decoder.release();
    }
  },
});
