import assert from "node:assert/strict";
import { createDecoder } from "../../../../client/engine/decoder.ts";
import { loadModelFolder } from "../../../../client/engine/loader/load_folder.ts";
import { LogitsPipeline, parseSamplingParams } from "../../../../client/engine/sampling/mod.ts";
import { createTextCodec } from "../../../../client/engine/tokenizer.ts";
import { fixturePath, ortTest } from "../engine_fixtures.ts";
import { specEngine } from "./spec_fixtures.ts";

/** The target's raw logits at every generated position: one forward pass over prompt + output. */
async function targetLogits(prompt: readonly number[], tokens: readonly number[]) {
  const files = await loadModelFolder({ kind: "path", path: fixturePath("target") });
  const decoder = await createDecoder(files.onnx, files.config, "wasm");
  try {
    const ids = [...prompt, ...tokens];
    const n = ids.length;
    const out = await decoder.step({
      inputIds: BigInt64Array.from(ids.map(BigInt)), // [1, n]
      attentionMask: new BigInt64Array(n).fill(1n), // [1, n]
      positionIds: BigInt64Array.from(ids.map((_, i) => BigInt(i))), // [1, n]
      batch: 1,
      seq: n,
      past: decoder.emptyKv(1),
    });
    const V = decoder.vocabSize;
    // Token t of the output was sampled from the logits at position prompt.length - 1 + t.
    return tokens.map((_, t) => {
      const at = (prompt.length - 1 + t) * V;
      return out.logits.slice(at, at + V);
    });
  } finally {
    await decoder.release();
  }
}

for (const params of [{ top_k: 3 }, { top_p: 0.5 }] as const) {
  Deno.test({
    name: `speculative sampling never emits a token the target's ${
      Object.keys(params)[0]
    } masked, though the random draft proposes them (wasm)`,
    ...ortTest,
    fn: async () => {
      const engine = await specEngine("draft", "wasm");
      try {
        const prompt = "Once upon a time there was";
        const sampling = { temperature: 1, ...params };
        const results = await engine.generate([1, 2, 3, 4].map((seed) => ({
          id: `m${seed}`,
          prompt,
          max_tokens: 24,
          seed,
          ...sampling,
          speculative: { gamma: 3 },
        })));
        const s = (await engine.stats()).speculative!;
        assert.ok(s.proposed > s.accepted, "some proposals were rejected");
        const files = await loadModelFolder({ kind: "path", path: fixturePath("target") });
        const ids = createTextCodec(files.tokenizerJson, files.tokenizerConfig).encode(prompt);
        const pipeline = new LogitsPipeline({
          vocabSize: files.config.vocab_size,
          params: parseSamplingParams(sampling),
        });
        const processed = new Float32Array(files.config.vocab_size);
        for (const r of results) {
          const logits = await targetLogits(ids, r.tokens);
          r.tokens.forEach((token, t) => {
            pipeline.process(logits[t]!, processed);
            assert.ok(processed[token]! > -Infinity, `${r.id}: token ${t} (${token}) was masked`);
          });
        }
      } finally {
        await engine.dispose();
      }
    },
  });
}
