import assert from "node:assert/strict";
import { initLabDevice } from "../../../client/lab/device.ts";
import { runEmergence } from "../../../client/lab/emergence.ts";
import { LabSettingsError } from "../../../client/lab/errors.ts";
import { runLlc } from "../../../client/lab/llc/llc_experiment.ts";
import { sweepLlc } from "../../../client/lab/llc/llc_sweep.ts";
import { runLlcTable } from "../../../client/lab/llc/llc_table.ts";
import { labTest, wasm } from "./lab_fixtures.ts";

const TINY = { chains: 1, steps: 30, burnIn: 10, acceptanceEvery: 5 };

Deno.test(
  "sweepLlc fills one cell per (eps, nbeta) pair and samples at that nbeta",
  labTest,
  async () => {
    await wasm();
    const r = await sweepLlc({ model: { kind: "poly", powers: [1] }, sgld: TINY }, [1e-4, 3e-4], [
      100,
      1000,
    ]);
    assert.equal(r.truth, 0.5);
    assert.deepEqual(r.cells.map((c) => [c.eps, c.nbeta]), [
      [1e-4, 100],
      [1e-4, 1000],
      [3e-4, 100],
      [3e-4, 1000],
    ]);
    assert.ok(r.cells.every((c) => Number.isFinite(c.llc_mean)));
  },
);

Deno.test(
  "runLlcTable reports one row per model with its Aoyagi or normal-crossing truth",
  labTest,
  async () => {
    await wasm();
    const t = await runLlcTable({ centerSteps: 20, sgld: TINY }, [
      { kind: "dln", widths: [5, 3, 5], rank: 0 },
      { kind: "poly", powers: [1, 2] },
    ]);
    assert.deepEqual(t.rows.map((r) => [r.model, r.truth]), [["dln 5,3,5 r0", 6.5], [
      "poly 1,2",
      0.25,
    ]]);
  },
);

Deno.test(
  "a trained centre sits below the true parameter's loss when the data are noisy",
  labTest,
  async () => {
    await wasm();
    const base = { model: { kind: "poly" as const, powers: [1] }, n: 1000, sgld: TINY };
    const truth = await runLlc({ ...base, center: "truth" });
    const trained = await runLlc({ ...base, center: "trained", centerSteps: 200 });
    assert.ok(trained.estimate.init_loss < truth.estimate.init_loss);
    const noiseless = await runLlc({ ...base, center: "truth", noise: 0 });
    assert.ok(
      Math.abs(noiseless.estimate.init_loss) < 1e-12,
      `L(w*) ${noiseless.estimate.init_loss}`,
    );
  },
);

Deno.test(
  "emergence estimates the LLC at every checkpoint of a short grokking run",
  labTest,
  async () => {
    await wasm();
    const r = await runEmergence({
      grokking: {
        p: 23,
        trainFraction: 0.5,
        model: { kind: "mlp", width: 64 },
        optimizer: { kind: "adamw", lr: 3e-3, weightDecay: 1 },
        steps: 60,
        evalEvery: 10,
      },
      checkpointEvery: 20,
      sgld: { chains: 1, steps: 20, burnIn: 5, batchSize: 64 },
    });
    assert.deepEqual(r.checkpoints.map((c) => c.step), [0, 20, 40, 60]);
    assert.ok(r.checkpoints.every((c) => Number.isFinite(c.llc_mean) && c.nbeta > 0));
    assert.equal(typeof r.analysis.summary, "string");
    await assert.rejects(runEmergence({ checkpointEvery: 15 }), LabSettingsError);
  },
);

Deno.test("initLabDevice switches between the cpu and wasm devices", labTest, async () => {
  assert.equal((await initLabDevice("cpu")).device, "cpu");
  assert.equal((await initLabDevice("wasm")).device, "wasm");
});
