import assert from "node:assert/strict";
import { createDecoder, type Decoder, type StepInput } from "../../../../client/engine/decoder.ts";
import { loadModelFolder } from "../../../../client/engine/loader/load_folder.ts";
import { createRng } from "../../../../client/engine/sampling/rng.ts";
import { RowThinking } from "../../../../client/engine/thinking/row_thinking.ts";
import { thinkAndMix, type ThoughtJob } from "../../../../client/engine/thinking/thought_batch.ts";
import { resolveThinking } from "../../../../client/engine/thinking/options.ts";
import { createTextCodec } from "../../../../client/engine/tokenizer.ts";
import { configureOrt } from "../../../../client/engine/ort.ts";
import { ortTest } from "../engine_fixtures.ts";
import { thinkingModelPath } from "./thinking_model.ts";

/** The real decoder, recording the [batch, seq] of every forward pass. */
function counting(decoder: Decoder, calls: [number, number][]): Decoder {
  return {
    ...decoder,
    step(input: StepInput) {
      calls.push([input.batch, input.seq]);
      return decoder.step(input);
    },
  };
}

Deno.test({
  name:
    "two rows of different lengths think as one batch of 2K rows in t + 1 passes, mixing as each row alone",
  ...ortTest,
  fn: async () => {
    configureOrt({ numThreads: 1 });
    const files = await loadModelFolder({ kind: "path", path: await thinkingModelPath() });
    const codec = createTextCodec(files.tokenizerJson, files.tokenizerConfig);
    const decoder = await createDecoder(files.onnx, files.config, "wasm");
    try {
      const prompts = [codec.encode("The quick brown fox"), codec.encode("A hen")];
      const P = Math.max(...prompts.map((p) => p.length));
      // Left-padded prefill of both prompts: the runner's layout.
      const inputIds = new BigInt64Array(2 * P), mask = new BigInt64Array(2 * P);
      const pos = new BigInt64Array(2 * P);
      prompts.forEach((p, r) =>
        p.forEach((id, j) => {
          const c = r * P + P - p.length + j;
          inputIds[c] = BigInt(id);
          mask[c] = 1n;
          pos[c] = BigInt(j);
        })
      );
      const pre = await decoder.step({
        inputIds,
        attentionMask: mask,
        positionIds: pos,
        batch: 2,
        seq: P,
        past: decoder.emptyKv(2),
      });
      const V = decoder.vocabSize;
      const options = resolveThinking({ codec }, { k: 2, t: 3, w: 0.5 })!;
      const jobsFor = (rows: number[]): ThoughtJob[] =>
        rows.map((r) => ({
          thinking: new RowThinking(options, createRng(99, r), V, 128),
          row: r,
          len: prompts[r]!.length,
          logits: pre.logits.slice((r * P + P - 1) * V, (r * P + P) * V),
        }));
      const calls: [number, number][] = [];
      const both = jobsFor([0, 1]);
      await thinkAndMix(counting(decoder, calls), pre.present, both);
      assert.deepEqual(calls, [[4, 1], [4, 1], [4, 1], [4, 2]]);
      for (const r of [0, 1]) {
        const solo = jobsFor([r]);
        await thinkAndMix(decoder, pre.present, solo);
        const a = both[r]!.logits, b = solo[0]!.logits;
        let worst = 0;
        for (let i = 0; i < V; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
        assert.ok(worst < 1e-4, `row ${r}: max |batched - alone| = ${worst}`);
        assert.deepEqual(both[r]!.thinking.stats(1).thought_tokens, 6);
        // The mixture moved the logits away from the base.
        const base = pre.logits.subarray((r * P + P - 1) * V, (r * P + P) * V);
        assert.ok(a.some((x, i) => Math.abs(x - base[i]!) > 1e-3));
      }
    } finally {
      await decoder.release();
    }
  },
});
