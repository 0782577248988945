import assert from "node:assert/strict";
import { LabAbortedError, LabSettingsError } from "../../../client/lab/errors.ts";
import { resolveGrokkingSettings, runGrokking } from "../../../client/lab/grokking.ts";
import type { GrokkingSettingsInput } from "../../../client/lab/grokking_settings.ts";
import { labTest, wasm } from "./lab_fixtures.ts";

/** A seconds-long run: p = 23, a quadratic MLP of width 64, full batch. */
const SHORT: GrokkingSettingsInput = {
  p: 23,
  op: "add",
  trainFraction: 0.5,
  model: { kind: "mlp", width: 64, activation: "quadratic" },
  optimizer: { kind: "adamw", lr: 3e-3, weightDecay: 1 },
  steps: 150,
  evalEvery: 10,
  seed: 1,
};

Deno.test(
  "a short grokking run records every curve and detects memorisation",
  labTest,
  async () => {
    await wasm();
    const points: number[] = [];
    const r = await runGrokking(SHORT, { onProgress: (p) => points.push(p.point!.step!) });
    const s = r.series;
    assert.deepEqual(s.step, Array.from({ length: 16 }, (_, i) => i * 10));
    assert.deepEqual(points, s.step);
    for (
      const key of ["train_loss", "test_loss", "train_acc", "test_acc", "weight_norm"] as const
    ) {
      assert.equal(s[key].length, 16);
      assert.ok(s[key].every(Number.isFinite), key);
    }
    // Starts at chance and memorises: train accuracy climbs to >= 99%, train loss falls.
    assert.ok(s.train_acc[0]! < 0.2, `initial train acc ${s.train_acc[0]}`);
    assert.ok(r.memorization_step !== null, "no memorisation step");
    const m = s.step.indexOf(r.memorization_step!);
    assert.ok(s.train_acc[m]! >= 0.99 && (m === 0 || s.train_acc[m - 1]! < 0.99));
    assert.ok(
      s.train_loss[15]! < s.train_loss[0]! / 4,
      `train loss ${s.train_loss[0]} -> ${s.train_loss[15]}`,
    );
    // Test accuracy lags train accuracy at memorisation: the gap grokking later closes.
    assert.ok(s.test_acc[m]! < s.train_acc[m]! - 0.3, `test acc ${s.test_acc[m]} at memorisation`);
    assert.equal(r.train_fraction, 272 / 529); // 0.5 * 529 = 264.5 rows, rounded to 17 * 16
    assert.equal(r.param_count, 2 * 32 * 64 + 64 * 32);
  },
);

Deno.test("grokking runs are reproducible from their seed", labTest, async () => {
  await wasm();
  const a = await runGrokking({ ...SHORT, steps: 20 });
  const b = await runGrokking({ ...SHORT, steps: 20 });
  assert.deepEqual(a.series.train_loss, b.series.train_loss);
  assert.deepEqual(a.series.test_acc, b.series.test_acc);
});

Deno.test("an aborted grokking run rejects with LabAbortedError", labTest, async () => {
  await wasm();
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(runGrokking(SHORT, { signal: controller.signal }), LabAbortedError);
});

Deno.test("resolveGrokkingSettings applies presets and rejects unknown ones", () => {
  const quick = resolveGrokkingSettings({ preset: "quick" });
  assert.equal(quick.p, 59);
  assert.equal(quick.optimizer.kind, "adamw");
  const nanda = resolveGrokkingSettings({ preset: "nanda", overrides: { steps: 10 } });
  assert.deepEqual(nanda.model, { kind: "transformer", dModel: 128, heads: 4, dMlp: 512 });
  assert.equal(nanda.steps, 10);
  assert.throws(() => resolveGrokkingSettings({ preset: "nope" }), LabSettingsError);
  assert.throws(() => resolveGrokkingSettings({ ...SHORT, p: 2 }), LabSettingsError);
});
