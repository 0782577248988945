/**
 * Distillation of a smaller student toward a frozen teacher's next-token distributions:
 * a few steps with the KL term reduce KL(teacher || student) on the loss positions, and
 * more than the same steps on cross-entropy alone do.
 *
 * @module
 */
import assert from "node:assert/strict";
import { parseLlamaConfig } from "../../../../tools/forge/llama_config.ts";
import { BatchSource } from "../../../../tools/forge/train/data.ts";
import { batchKl } from "../../../../tools/forge/train/distill.ts";
import { initTrainWeights } from "../../../../tools/forge/train/init.ts";
import { LlamaTrainer } from "../../../../tools/forge/train/trainer.ts";
import { initLlamaWeights } from "../../../../tools/forge/weights.ts";
import { jaxTest, runConfig, syntheticStream, tinyConfig, useWasm } from "./train_fixtures.ts";

const VOCAB = 48;

/** A student half as wide as tinyConfig with one layer and another head_dim (own RoPE tables). */
const STUDENT = parseLlamaConfig({
  ...tinyConfig(VOCAB, true),
  hidden_size: 16,
  intermediate_size: 24,
  num_hidden_layers: 1,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  head_dim: 4,
});

Deno.test({
  ...jaxTest,
  name:
    "distillation steps reduce KL(teacher || student) on the loss positions, more than CE alone",
  fn: async () => {
    await useWasm();
    const teacherConfig = tinyConfig(VOCAB, false);
    // The forge's wide init: a teacher with confident, far-from-uniform distributions.
    const teacher = { config: teacherConfig, weights: initLlamaWeights(teacherConfig, 9) };
    const stream = syntheticStream(VOCAB, 3000);
    const probe = new BatchSource(stream, 4, 16, 99).batchAt(0);
    const start = initTrainWeights(STUDENT, 2);
    const klOf = async (trainer: LlamaTrainer) =>
      await batchKl({ config: STUDENT, weights: await trainer.weights() }, teacher, probe, 4, 16);
    const run = (distill: boolean) =>
      LlamaTrainer.create(
        {
          ...runConfig(STUDENT, 15),
          optimizer: { lr: 1e-2, minLr: 1e-3, warmupSteps: 2 },
          ...(distill ? { distill: { teacher: teacherConfig, kl: 1 } } : {}),
        },
        new BatchSource(stream, 4, 16, 11),
        start,
        distill ? teacher.weights : undefined,
      );
    const distilled = run(true);
    const before = await klOf(distilled);
    for (let i = 0; i < 15; i++) await distilled.trainStep();
    const after = await klOf(distilled);
    distilled.dispose();
    const plain = run(false);
    for (let i = 0; i < 15; i++) await plain.trainStep();
    const ceOnly = await klOf(plain);
    plain.dispose();
    console.log(
      `[distill] KL ${before.toFixed(3)} -> ${after.toFixed(3)} (CE only ${ceOnly.toFixed(3)})`,
    );
    assert.ok(Number.isFinite(before) && before > 0.1, `initial KL ${before}`);
    assert.ok(after < before * 0.8, `KL ${before} -> ${after}`);
    assert.ok(after < ceOnly, `distilled ${after} vs CE-only ${ceOnly}`);
  },
});

Deno.test({
  ...jaxTest,
  name: "a distill config without teacher weights is refused with the house error",
  fn: async () => {
    await useWasm();
    assert.throws(
      () =>
        LlamaTrainer.create(
          { ...runConfig(STUDENT, 2), distill: { teacher: tinyConfig(VOCAB, false), kl: 0.5 } },
          new BatchSource(syntheticStream(VOCAB, 800), 4, 16, 1),
        ),
      /Cannot build the trainer as teacher weights must come with config.distill: current value is no teacher/,
    );
  },
});
