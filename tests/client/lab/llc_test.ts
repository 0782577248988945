import assert from "node:assert/strict";
import { numpy as np } from "@jax-js/jax";
import { fromHost } from "../../../client/lab/device.ts";
import { LabSettingsError } from "../../../client/lab/errors.ts";
import { runLlc } from "../../../client/lab/llc/llc_experiment.ts";
import { estimateLlc } from "../../../client/lab/llc/sgld.ts";
import { createRng, normals } from "../../../client/lab/rng.ts";
import { labTest, wasm } from "./lab_fixtures.ts";

Deno.test(
  "the LLC of a regular model (a linear layer, lambda = d/2 = 4) is estimated within 10%",
  labTest,
  async () => {
    await wasm();
    const r = await runLlc({
      model: { kind: "dln", widths: [4, 2], rank: 2 },
      n: 10000,
      sgld: { eps: 1e-4, gamma: 10, chains: 4, steps: 600, burnIn: 100, acceptanceEvery: 10 },
    });
    assert.equal(r.truth, 4);
    assert.ok(Math.abs(r.llc_mean - 4) < 0.4, `estimate ${r.llc_mean} ± ${r.llc_std}`);
    assert.ok(Math.abs(r.nbeta - 10000 / Math.log(10000)) < 1e-9, `nbeta ${r.nbeta}`);
    assert.equal(r.estimate.llc_chains.length, 4);
    assert.ok(r.estimate.mala_acceptance! > 0.8, `acceptance ${r.estimate.mala_acceptance}`);
    assert.ok(r.estimate.fraction_below_init < 0.05, `below ${r.estimate.fraction_below_init}`);
    assert.deepEqual(r.estimate.trace_steps.length, 60);
    assert.equal(r.estimate.loss_traces[0]!.length, 60);
  },
);

Deno.test(
  "minibatch SGLD on rows centred at the least-squares fit gives a positive, finite LLC",
  labTest,
  async () => {
    await wasm();
    const rng = createRng(9);
    const n = 2048;
    const xs = normals(rng, n * 3);
    const w = [0.5, -1, 2];
    const ys = Array.from(
      { length: n },
      (_, i) => xs[i * 3]! * w[0]! + xs[i * 3 + 1]! * w[1]! + xs[i * 3 + 2]! * w[2]! + rng.normal(),
    );
    const x = fromHost(xs, [n, 3], "float32"); // [rows, 3]
    const y = fromHost(ys, [n, 1], "float32"); // [rows, 1]
    const center = { w: fromHost(w, [3, 1], "float32") };
    const est = await estimateLlc(
      {
        loss: (p, bx, by) => np.square(np.matmul(bx, p.w!).sub(by)).mean().mul(0.5),
        center,
        data: { x, y },
        n,
      },
      {
        eps: 1e-4,
        gamma: 10,
        chains: 2,
        steps: 200,
        burnIn: 50,
        batchSize: 256,
        acceptanceEvery: 5,
      },
    );
    for (const a of [x, y, center.w]) a.dispose();
    assert.ok(Number.isFinite(est.llc_mean) && est.llc_mean > 0, `estimate ${est.llc_mean}`);
    assert.equal(est.llc_chains.length, 2);
    assert.ok(est.mala_acceptance !== null && est.mala_acceptance > 0 && est.mala_acceptance <= 1);
  },
);

Deno.test("runLlc rejects a rank above the narrowest layer and minibatches on moment losses", async () => {
  await assert.rejects(
    runLlc({ model: { kind: "dln", widths: [3, 1, 3], rank: 2 } }),
    LabSettingsError,
  );
  await assert.rejects(
    runLlc({ model: { kind: "poly", powers: [1] }, sgld: { batchSize: 10 } }),
    LabSettingsError,
  );
});
