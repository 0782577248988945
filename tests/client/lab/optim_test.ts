import assert from "node:assert/strict";
import { numpy as np } from "@jax-js/jax";
import { fromHost, toHost } from "../../../client/lab/device.ts";
import { applyUpdate, initOptState, OptimizerSettings } from "../../../client/lab/optim.ts";
import { labTest, wasm } from "./lab_fixtures.ts";

async function oneStep(settings: OptimizerSettings, w: number[], g: number[], steps = 1) {
  let params = { w: fromHost(w, [w.length], "float64") };
  let state = initOptState(settings, params);
  for (let i = 0; i < steps; i++) {
    [params, state] = applyUpdate(
      settings,
      params,
      { w: fromHost(g, [g.length], "float64") },
      state,
    ) as [
      { w: np.Array },
      typeof state,
    ];
  }
  const out = await toHost(params.w);
  state.t.dispose();
  for (const v of [...Object.values(state.m), ...Object.values(state.v)]) v.dispose();
  return out;
}

Deno.test(
  "AdamW's first step moves each weight by lr against the gradient sign after decay",
  labTest,
  async () => {
    await wasm();
    const s = OptimizerSettings.parse({ kind: "adamw", lr: 0.1, weightDecay: 0.5, eps: 1e-12 });
    const w = await oneStep(s, [1, -2], [0.3, -4]);
    // Decoupled decay w (1 - lr wd), then m_hat / sqrt(v_hat) = sign(g) on step one.
    assert.ok(Math.abs(w[0]! - (1 * 0.95 - 0.1)) < 1e-12);
    assert.ok(Math.abs(w[1]! - (-2 * 0.95 + 0.1)) < 1e-12);
  },
);

Deno.test("SGD with momentum accumulates the velocity", labTest, async () => {
  await wasm();
  const s = OptimizerSettings.parse({ kind: "sgd", lr: 0.1, momentum: 0.9 });
  const w = await oneStep(s, [1], [1], 2);
  // v1 = 1, w1 = 0.9; v2 = 0.9 + 1 = 1.9, w2 = 0.9 - 0.19 = 0.71.
  assert.ok(Math.abs(w[0]! - 0.71) < 1e-12);
});

Deno.test("SGD weight decay adds wd * w to the gradient", labTest, async () => {
  await wasm();
  const s = OptimizerSettings.parse({ kind: "sgd", lr: 0.5, weightDecay: 0.2 });
  const w = await oneStep(s, [2], [1]);
  // w - lr (g + wd w) = 2 - 0.5 (1 + 0.4) = 1.3.
  assert.ok(Math.abs(w[0]! - 1.3) < 1e-12);
});
