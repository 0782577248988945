/**
 * The gathered head (head and softmax only at positions that carry loss) trains exactly like
 * the full head, and the scored positions are padded to a bucketed per-row count with zero
 * weight.
 *
 * @module
 */
import assert from "node:assert/strict";
import { BatchSource } from "../../../../tools/forge/train/data.ts";
import { scoredPositions } from "../../../../tools/forge/train/positions.ts";
import { LlamaTrainer } from "../../../../tools/forge/train/trainer.ts";
import { jaxTest, runConfig, syntheticStream, tinyConfig, useWasm } from "./train_fixtures.ts";

Deno.test("scored positions keep each row's weighted targets and pad to a multiple of 16", () => {
  const stream = syntheticStream(48, 2000); // every other target trained
  const batch = new BatchSource(stream, 4, 40, 3).batchAt(0);
  const scored = scoredPositions(batch, 4, 40, true);
  assert.equal(scored.perRow, 32); // 20 trained per row -> 32
  let weight = 0;
  for (let r = 0; r < 4; r++) {
    for (let k = 0; k < 32; k++) {
      const w = scored.weights[r * 32 + k]!;
      weight += w;
      const i = scored.positions[r * 32 + k]!;
      if (k < 20) {
        assert.equal(w, batch.weights[r * 40 + i]);
        assert.equal(scored.targets[r * 32 + k], batch.targets[r * 40 + i]);
        assert.ok(w > 0);
      } else assert.equal(w, 0);
    }
  }
  assert.ok(Math.abs(weight - 1) < 1e-6, `weights sum to ${weight}`);
  assert.equal(scoredPositions(batch, 4, 40, false).perRow, 40);
});

Deno.test({
  ...jaxTest,
  name: "5 steps with the gathered head give the full head's losses and weights within 1e-5",
  fn: async () => {
    await useWasm();
    const stream = syntheticStream(48, 2000);
    const run = async (gathered: boolean) => {
      const trainer = LlamaTrainer.create(
        { ...runConfig(tinyConfig(48, true), 5), gathered },
        new BatchSource(stream, 4, 16, 11),
      );
      for (let i = 0; i < 5; i++) await trainer.trainStep();
      const out = { losses: [...trainer.losses], weights: await trainer.weights() };
      trainer.dispose();
      return out;
    };
    const full = await run(false);
    const gathered = await run(true);
    for (let i = 0; i < 5; i++) {
      assert.ok(Math.abs(full.losses[i]! - gathered.losses[i]!) < 1e-5, `step ${i}`);
    }
    let max = 0;
    for (const [name, t] of full.weights) {
      const u = gathered.weights.get(name)!;
      for (let i = 0; i < t.data.length; i++) {
        max = Math.max(max, Math.abs(t.data[i]! - u.data[i]!));
      }
    }
    assert.ok(max < 1e-5, `max weight difference ${max}`);
    assert.ok(full.losses[4]! < full.losses[0]!, "the run trained");
  },
});
