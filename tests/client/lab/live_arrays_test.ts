import assert from "node:assert/strict";
import { numpy as np } from "@jax-js/jax";
import { fromHost, scalarToHost } from "../../../client/lab/device.ts";
import { attachLiveSlotProbe } from "../../../client/lab/live_slots.ts";
import { initMlp, mlpApply, MlpConfig } from "../../../client/lab/mlp.ts";
import { createRng, normals } from "../../../client/lab/rng.ts";
import { Trainer } from "../../../client/lab/trainer.ts";
import { labTest, wasm } from "./lab_fixtures.ts";

/** Live buffers once every queued kernel has run (pending work holds temporaries). */
async function settledCount(trainer: Trainer, count: () => number): Promise<number> {
  await trainer.settle();
  return count();
}

Deno.test(
  "1,000 minibatch AdamW steps leave the number of live jax-js buffers unchanged",
  labTest,
  async () => {
    await wasm();
    const probe = attachLiveSlotProbe();
    const before = probe.count();
    const rng = createRng(4);
    const config = MlpConfig.parse({ sizes: [16, 32, 16], activation: "gelu" });
    const trainer = new Trainer({
      loss: (p, x, y) => np.square(mlpApply(config, p, x).sub(y)).mean(),
      optimizer: { kind: "adamw", lr: 1e-3, weightDecay: 0.1 },
      params: initMlp(config, rng, "float32"),
      data: {
        x: fromHost(normals(rng, 64 * 16), [64, 16], "float32"), // [rows, in]
        y: fromHost(normals(rng, 64 * 16), [64, 16], "float32"), // [rows, out]
      },
      batchSize: 32,
      rng,
    });
    const first = await scalarToHost(trainer.step());
    for (let i = 0; i < 9; i++) trainer.step().dispose();
    const warm = await settledCount(trainer, () => probe.count());
    let last = Number.NaN;
    for (let i = 0; i < 1000; i++) {
      const loss = trainer.step();
      if (i === 999) last = await scalarToHost(loss);
      else loss.dispose();
      if (i % 50 === 49) await trainer.settle(); // see Trainer.settle
    }
    const after = await settledCount(trainer, () => probe.count());
    assert.equal(after, warm, `live buffers grew from ${warm} to ${after} over 1,000 steps`);
    // Parameters (4), moments (8), step count, x and y: the trainer's whole state.
    assert.equal(warm - before, 15);
    assert.ok(last < first, `loss ${first} -> ${last}`);
    trainer.dispose();
    assert.equal(probe.count(), before);
  },
);
