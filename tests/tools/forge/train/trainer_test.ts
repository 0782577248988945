/**
 * The jax-js Llama trainer: a checkpointed and resumed run ends with the same weights as an
 * uninterrupted one, and a short run on tiny-world dialogs lowers the loss (the CI smoke test).
 *
 * @module
 */
import assert from "node:assert/strict";
import { loadCheckpoint, saveCheckpoint } from "../../../../tools/forge/train/checkpoint.ts";
import { BatchSource, tokenizeExamples } from "../../../../tools/forge/train/data.ts";
import { presetConfig } from "../../../../tools/forge/train/presets.ts";
import { LlamaTrainer } from "../../../../tools/forge/train/trainer.ts";
import type { LlamaWeights } from "../../../../tools/forge/weights.ts";
import {
  jaxTest,
  runConfig,
  smallWorld,
  syntheticStream,
  tinyConfig,
  useWasm,
} from "./train_fixtures.ts";

function maxWeightDiff(a: LlamaWeights, b: LlamaWeights): number {
  let max = 0;
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  for (const [name, t] of a) {
    const u = b.get(name)!;
    for (let i = 0; i < t.data.length; i++) max = Math.max(max, Math.abs(t.data[i]! - u.data[i]!));
  }
  return max;
}

Deno.test({
  ...jaxTest,
  name: "training 10 steps equals training 5, checkpointing, resuming and training 5 more",
  fn: async () => {
    await useWasm();
    const config = runConfig(tinyConfig(48, false), 10);
    const stream = syntheticStream(48, 2000);
    const straight = LlamaTrainer.create(config, new BatchSource(stream, 4, 16, 11));
    for (let i = 0; i < 10; i++) await straight.trainStep();
    const expected = await straight.weights();
    const expectedLosses = [...straight.losses];
    straight.dispose();

    const first = LlamaTrainer.create(config, new BatchSource(stream, 4, 16, 11));
    for (let i = 0; i < 5; i++) await first.trainStep();
    const dir = await Deno.makeTempDir();
    try {
      await saveCheckpoint(dir, await first.checkpoint());
      first.dispose();
      const resumed = LlamaTrainer.resume(
        await loadCheckpoint(dir),
        new BatchSource(stream, 4, 16, 11),
      );
      assert.equal(resumed.step, 5);
      for (let i = 0; i < 5; i++) await resumed.trainStep();
      assert.equal(resumed.step, 10);
      assert.equal(maxWeightDiff(await resumed.weights(), expected), 0);
      assert.deepEqual(resumed.losses, expectedLosses);
      // The run did move the weights: a fresh start differs.
      const fresh = LlamaTrainer.create(config, new BatchSource(stream, 4, 16, 11));
      assert.ok(maxWeightDiff(await fresh.weights(), expected) > 1e-3);
      fresh.dispose();
      resumed.dispose();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  ...jaxTest,
  name: "a 20-step run of the tiny preset on tiny-world dialogs lowers the loss with finite values",
  fn: async () => {
    await useWasm();
    const { data, tokenizer, vocab } = smallWorld();
    const stream = tokenizeExamples(tokenizer, data.train);
    const trainer = LlamaTrainer.create(
      {
        ...runConfig(presetConfig("tiny", vocab), 20, 8, 64),
        optimizer: { lr: 1e-2, minLr: 1e-3, warmupSteps: 2 },
      },
      new BatchSource(stream, 8, 64, 3),
    );
    for (let i = 0; i < 20; i++) await trainer.trainStep();
    const losses = trainer.losses;
    trainer.dispose();
    assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
    const head = (losses[0]! + losses[1]!) / 2;
    const tail = losses.slice(-4).reduce((a, b) => a + b, 0) / 4;
    // Starts near ln(vocab) = 6.24 and must drop by at least a nat.
    assert.ok(Math.abs(head - Math.log(vocab)) < 0.5, `first losses ${losses.slice(0, 2)}`);
    assert.ok(tail < head - 1, `loss ${head.toFixed(3)} -> ${tail.toFixed(3)}`);
  },
});
