import assert from "node:assert/strict";
import { initLlamaWeights } from "../../../../../tools/forge/weights.ts";
import { initMixingHead } from "../../../../../tools/forge/train/quiet_star/mixing_head.ts";
import {
  loadQsCheckpoint,
  saveQsCheckpoint,
} from "../../../../../tools/forge/train/quiet_star/qs_settings.ts";
import { QsTrainer } from "../../../../../tools/forge/train/quiet_star/qs_trainer.ts";
import { jaxTest, useWasm } from "../train_fixtures.ts";
import { qsConfig, qsExamples, qsSettings } from "./qs_fixtures.ts";

Deno.test({
  ...jaxTest,
  name:
    "a zero-initialized mixing head gives w = 0 at the first step: mixed equals base (no gain) while the thoughts already get a REINFORCE signal",
  fn: async () => {
    await useWasm();
    const config = qsConfig();
    const trainer = QsTrainer.create(
      qsSettings(config, 4),
      qsExamples(12),
      initLlamaWeights(config, 3),
      initMixingHead(config.hidden_size, 9),
    );
    try {
      const first = await trainer.trainStep();
      assert.equal(first.meanW, 0);
      // Mixed equals base up to float32 rounding of (1 - 0) * base + 0 * post.
      assert.ok(Math.abs(first.gain) < 1e-5, `gain ${first.gain}`);
      // The reward reads the unmixed post-thought likelihood, so it is not 0 at w = 0.
      assert.ok(Math.abs(first.reinforce) > 1e-6, `reinforce ${first.reinforce}`);
      assert.ok(Number.isFinite(first.loss) && first.loss > 0, `loss ${first.loss}`);
      const parts = 0.5 * (first.baseNll + first.mixedNll) + first.reinforce;
      assert.ok(Math.abs(first.loss - parts) < 1e-4, `loss ${first.loss} vs parts ${parts}`);
      // The head learns through clip's gradient at 0: w moves off 0 within a few steps.
      let moved = false;
      for (let i = 0; i < 3; i++) {
        const s = await trainer.trainStep();
        assert.ok(Number.isFinite(s.loss));
        if (s.meanW !== 0) moved = true;
      }
      assert.ok(moved, "the mixing weight never left 0");
    } finally {
      trainer.dispose();
    }
  },
});

Deno.test({
  ...jaxTest,
  name: "a Quiet-STaR checkpoint resumes bit for bit (same thoughts, same losses)",
  fn: async () => {
    await useWasm();
    const config = qsConfig();
    const examples = qsExamples(12);
    const make = () =>
      QsTrainer.create(
        qsSettings(config, 4),
        examples,
        initLlamaWeights(config, 3),
        initMixingHead(config.hidden_size, 9),
      );
    const straight = make();
    const losses: number[] = [];
    for (let i = 0; i < 3; i++) losses.push((await straight.trainStep()).loss);
    straight.dispose();
    const first = make();
    await first.trainStep();
    await first.trainStep();
    const dir = await Deno.makeTempDir();
    await saveQsCheckpoint(dir, await first.checkpoint());
    first.dispose();
    const resumed = QsTrainer.resume(await loadQsCheckpoint(dir), examples);
    try {
      assert.equal(resumed.step, 2);
      const third = await resumed.trainStep();
      assert.equal(third.loss, losses[2]);
      assert.deepEqual(resumed.history.map((h) => h.loss), losses);
    } finally {
      resumed.dispose();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
