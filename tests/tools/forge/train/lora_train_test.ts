/**
 * LoRA training on jax-js: the adapter forward equals the merged model W + scaling * B A,
 * training lowers a style's loss while the base stays bit-identical, the adapter is written
 * in PEFT's format, and a saved run resumes bit for bit.
 *
 * @module
 */
import assert from "node:assert/strict";
import { loraAdapterFiles, mergeLoraWeights } from "../../../../tools/forge/lora_adapter.ts";
import { readSafetensors } from "../../../../tools/forge/safetensors.ts";
import { BatchSource, tokenizeExamples } from "../../../../tools/forge/train/data.ts";
import { LoraTrainer } from "../../../../tools/forge/train/lora_trainer.ts";
import { toTrainLayout } from "../../../../tools/forge/train/model.ts";
import { presetConfig } from "../../../../tools/forge/train/presets.ts";
import { LlamaTrainer } from "../../../../tools/forge/train/trainer.ts";
import { initLlamaWeights } from "../../../../tools/forge/weights.ts";
import { initTrainWeights } from "../../../../tools/forge/train/init.ts";
import { styleExamples } from "../../../../tools/forge/world/styles.ts";
import {
  jaxTest,
  runConfig,
  smallWorld,
  syntheticStream,
  tinyConfig,
  useWasm,
} from "./train_fixtures.ts";

const ALL_MODULES = [
  "q_proj",
  "k_proj",
  "v_proj",
  "o_proj",
  "gate_proj",
  "up_proj",
  "down_proj",
] as const;

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

Deno.test({
  ...jaxTest,
  name: "the jax-js LoRA forward equals the merged model W + scaling * B A within 1e-5",
  fn: async () => {
    await useWasm();
    const config = tinyConfig(48, false);
    const base = initLlamaWeights(config, 3);
    const source = new BatchSource(syntheticStream(48, 2000), 4, 16, 11);
    const lora = LoraTrainer.create(
      {
        ...runConfig(config, 4),
        lora: { r: 4, lora_alpha: 8, target_modules: [...ALL_MODULES] },
      },
      source,
      base,
    );
    for (let i = 0; i < 4; i++) await lora.trainStep(); // B moves away from zero
    const adapter = await lora.adapter("style");
    const prompt = Int32Array.from({ length: 24 }, (_, i) => (i * 5 + 3) % 48);
    const loraLogits = await lora.logits(prompt, 2);
    lora.dispose();
    const merged = LlamaTrainer.create(
      runConfig(config, 1),
      source,
      mergeLoraWeights(base, adapter),
    );
    const mergedLogits = await merged.logits(prompt, 2);
    const plain = LlamaTrainer.create(runConfig(config, 1), source, base);
    const baseLogits = await plain.logits(prompt, 2);
    merged.dispose();
    plain.dispose();
    const error = maxDiff(loraLogits, mergedLogits);
    const effect = maxDiff(loraLogits, baseLogits);
    console.log(
      `[lora] |lora - merged| ${error.toExponential(2)}, |lora - base| ${effect.toFixed(4)}`,
    );
    assert.ok(effect > 1e-3, `the adapter changed nothing: ${effect}`);
    assert.ok(error < 1e-5, `max abs logit difference ${error}`);
  },
});

Deno.test({
  ...jaxTest,
  name: "the trained adapter is written as PEFT files: keys, A [r, in], B [out, r], config fields",
  fn: async () => {
    await useWasm();
    const config = tinyConfig(48, true);
    const lora = LoraTrainer.create(
      {
        ...runConfig(config, 2),
        lora: { r: 2, lora_alpha: 4, target_modules: ["q_proj", "down_proj"] },
      },
      new BatchSource(syntheticStream(48, 2000), 4, 16, 11),
      initTrainWeights(config, 1),
    );
    await lora.trainStep();
    const files = loraAdapterFiles(await lora.adapter("terse"));
    lora.dispose();
    const peft = JSON.parse(new TextDecoder().decode(files.get("terse/adapter_config.json")!));
    assert.equal(peft.peft_type, "LORA");
    assert.equal(peft.r, 2);
    assert.equal(peft.lora_alpha, 4);
    assert.deepEqual(peft.target_modules, ["q_proj", "down_proj"]);
    const tensors = readSafetensors(files.get("terse/adapter_model.safetensors")!);
    assert.equal(tensors.size, 2 * 2 * config.num_hidden_layers);
    const qa = tensors.get("base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight")!;
    const qb = tensors.get("base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight")!;
    const db = tensors.get("base_model.model.model.layers.0.mlp.down_proj.lora_B.weight")!;
    assert.deepEqual(qa.shape, [2, 32]);
    assert.deepEqual(qb.shape, [32, 2]);
    assert.deepEqual(db.shape, [32, 2]);
    assert.ok(qb.data.some((v) => v !== 0), "B trained away from its zero start");
  },
});

Deno.test({
  ...jaxTest,
  name:
    "LoRA steps on formal-style dialogs lower the loss while the base weights stay bit-identical",
  fn: async () => {
    await useWasm();
    const { data, tokenizer, vocab } = smallWorld();
    const config = presetConfig("tiny", vocab);
    // A briefly trained base (the world's dialogs), as the real adapters start from the target.
    const pre = LlamaTrainer.create(
      { ...runConfig(config, 15, 8, 64), optimizer: { lr: 1e-2, minLr: 1e-3, warmupSteps: 2 } },
      new BatchSource(tokenizeExamples(tokenizer, data.train), 8, 64, 3),
    );
    for (let i = 0; i < 15; i++) await pre.trainStep();
    const base = await pre.weights();
    pre.dispose();
    const stream = tokenizeExamples(tokenizer, styleExamples(data, "formal"));
    const lora = LoraTrainer.create(
      {
        ...runConfig(config, 24, 8, 64),
        optimizer: { lr: 3e-2, minLr: 3e-3, warmupSteps: 1, weightDecay: 0 },
        lora: { r: 8, lora_alpha: 16, target_modules: [...ALL_MODULES] },
      },
      new BatchSource(stream, 8, 64, 2),
      base,
    );
    for (let i = 0; i < 24; i++) await lora.trainStep();
    const after = await lora.baseHost();
    lora.dispose();
    const losses = lora.losses;
    const head = (losses[0]! + losses[1]!) / 2;
    const tail = losses.slice(-3).reduce((a, b) => a + b, 0) / 3;
    assert.ok(tail < head - 0.3, `style loss ${head.toFixed(3)} -> ${tail.toFixed(3)}`);
    for (const [name, t] of toTrainLayout(config, base)) {
      assert.equal(maxDiff(after.get(name)!.data, t.data), 0, `${name} moved`);
    }
  },
});

Deno.test({
  ...jaxTest,
  name: "a saved LoRA run resumes to the same factors and losses as an uninterrupted one",
  fn: async () => {
    await useWasm();
    const config = tinyConfig(48, false);
    const base = initLlamaWeights(config, 4);
    const stream = syntheticStream(48, 2000);
    const run = {
      ...runConfig(config, 6),
      lora: { r: 2, lora_alpha: 2, target_modules: ["v_proj" as const] },
    };
    const straight = LoraTrainer.create(run, new BatchSource(stream, 4, 16, 11), base);
    for (let i = 0; i < 6; i++) await straight.trainStep();
    const expected = await straight.factors();
    straight.dispose();
    const first = LoraTrainer.create(run, new BatchSource(stream, 4, 16, 11), base);
    for (let i = 0; i < 3; i++) await first.trainStep();
    const dir = await Deno.makeTempDir();
    try {
      await first.save(dir);
      first.dispose();
      const resumed = await LoraTrainer.load(dir, new BatchSource(stream, 4, 16, 11), base);
      assert.equal(resumed.step, 3);
      for (let i = 0; i < 3; i++) await resumed.trainStep();
      const got = await resumed.factors();
      resumed.dispose();
      for (const [name, t] of expected) assert.equal(maxDiff(got.get(name)!.data, t.data), 0, name);
      assert.deepEqual(resumed.losses, straight.losses);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
