/**
 * Heterogeneous LoRA batches at the logits level (wasm, fp32): a row using adapter X inside a
 * batch of mixed adapters gives the logits of that row alone on a model whose weights were
 * merged as W + scaling * B A; slot-0 rows give the base model's logits.
 */
import assert from "node:assert/strict";
import { createDecoder, type Decoder } from "../../../client/engine/decoder.ts";
import { configureOrt } from "../../../client/engine/ort.ts";
import { AdapterSlotPool } from "../../../client/engine/lora/slot_pool.ts";
import { LoraBinding } from "../../../client/engine/lora/lora_binding.ts";
import { buildLlamaOnnx } from "../../../tools/forge/llama_graph.ts";
import { seededTokens } from "../../tools/forge/fixture_models.ts";
import { ortTest } from "../engine/engine_fixtures.ts";
import {
  alone,
  fixture,
  fixtureSource,
  maxAbsDiff,
  mergedWeights,
  plainConfig,
} from "./lora_helpers.ts";

const TOL = 1e-4;
const V = fixture.config.vocab_size;

async function mergedDecoder(name: string | undefined): Promise<Decoder> {
  const config = plainConfig();
  return await createDecoder(buildLlamaOnnx(config, mergedWeights(name)), config, "wasm");
}

Deno.test({
  name:
    "each row of a mixed-adapter batch matches its adapter merged into the weights, and slot 0 matches the base (wasm, 1e-4)",
  ...ortTest,
  fn: async () => {
    configureOrt({ numThreads: 1 });
    const lora = await createDecoder(
      buildLlamaOnnx(fixture.config, fixture.weights),
      fixture.config,
      "wasm",
    );
    assert.deepEqual(lora.lora?.targets.length, 7);
    const pool = await AdapterSlotPool.create(lora.lora!, fixtureSource(), 3, "wasm");
    const binding = new LoraBinding(pool);
    const rows: (string | undefined)[] = ["alpha", undefined, "beta", "gamma", "alpha"];
    const got = await pool.acquire(["alpha", "beta", "gamma"], new Set());
    const slots = rows.map((a) => (a === undefined ? 0 : got.get(a) as number));
    assert.deepEqual(new Set(slots), new Set([0, 1, 2, 3]));
    const prompts = rows.map((_, i) => seededTokens(100 + i, 3 + 2 * i, V));
    const nextTokens = rows.map((_, i) => 5 + i);
    // Batched, left-padded prefill, then one decode step.
    const B = rows.length, P = Math.max(...prompts.map((p) => p.length));
    const inputIds = new BigInt64Array(B * P), mask = new BigInt64Array(B * P);
    const positions = new BigInt64Array(B * P);
    prompts.forEach((p, i) => {
      p.forEach((t, j) => {
        const at = i * P + P - p.length + j;
        inputIds[at] = BigInt(t);
        mask[at] = 1n;
        positions[at] = BigInt(j);
      });
    });
    const pre = await lora.step({
      inputIds,
      attentionMask: mask,
      positionIds: positions,
      batch: B,
      seq: P,
      past: lora.emptyKv(B),
      lora: binding.feeds(slots),
    });
    const mask2 = new BigInt64Array(B * (P + 1));
    prompts.forEach((p, i) => mask2.fill(1n, i * (P + 1) + P - p.length, (i + 1) * (P + 1)));
    const dec = await lora.step({
      inputIds: BigInt64Array.from(nextTokens, BigInt),
      attentionMask: mask2,
      positionIds: BigInt64Array.from(prompts, (p) => BigInt(p.length)),
      batch: B,
      seq: 1,
      past: pre.present,
      lora: binding.feeds(slots),
    });
    const refs = new Map<string | undefined, Decoder>();
    try {
      for (const [i, name] of rows.entries()) {
        if (!refs.has(name)) refs.set(name, await mergedDecoder(name));
        const ref = await alone(refs.get(name)!, prompts[i]!, nextTokens[i]!);
        const n = prompts[i]!.length;
        const batched = pre.logits.subarray((i * P + P - n) * V, (i + 1) * P * V);
        const dPre = maxAbsDiff(batched, ref.prefill);
        const dDec = maxAbsDiff(dec.logits.subarray(i * V, (i + 1) * V), ref.decode);
        assert.ok(dPre < TOL && dDec < TOL, `row ${i} (${name ?? "base"}): ${dPre}, ${dDec}`);
      }
      // The adapters change the output: a row's logits differ from the base model's.
      const base = await alone(refs.get(undefined)!, prompts[0]!, nextTokens[0]!);
      const n0 = prompts[0]!.length;
      assert.ok(maxAbsDiff(pre.logits.subarray((P - n0) * V, P * V), base.prefill) > 0.1);
    } finally {
      for (const d of refs.values()) await d.release();
      await lora.release();
    }
  },
});

Deno.test({
  name: "a LoRA model fed no adapter feeds computes the base model exactly like the plain target",
  ...ortTest,
  fn: async () => {
    configureOrt({ numThreads: 1 });
    const lora = await createDecoder(
      buildLlamaOnnx(fixture.config, fixture.weights),
      fixture.config,
      "wasm",
    );
    const plain = await mergedDecoder(undefined);
    try {
      const prompt = seededTokens(7, 9, V);
      const a = await alone(lora, prompt, 11);
      const b = await alone(plain, prompt, 11);
      assert.ok(maxAbsDiff(a.prefill, b.prefill) < TOL);
      assert.ok(maxAbsDiff(a.decode, b.decode) < TOL);
    } finally {
      await lora.release();
      await plain.release();
    }
  },
});
