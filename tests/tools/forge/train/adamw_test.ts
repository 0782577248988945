/**
 * AdamW with clipping and the cosine schedule: values checked against hand computations.
 *
 * @module
 */
import assert from "node:assert/strict";
import { numpy as np } from "@jax-js/jax";
import {
  AdamWConfig,
  adamwUpdate,
  cosineLr,
  initAdamW,
} from "../../../../tools/forge/train/adamw.ts";
import { jaxTest, useWasm } from "./train_fixtures.ts";

const CONFIG = AdamWConfig.parse({
  lr: 1e-3,
  minLr: 1e-4,
  warmupSteps: 10,
  weightDecay: 0.1,
  clipNorm: 1,
});

Deno.test("cosineLr() warms up linearly, peaks at lr and decays to minLr", () => {
  assert.equal(cosineLr(CONFIG, 0, 110), 1e-4);
  assert.equal(cosineLr(CONFIG, 9, 110), 1e-3);
  assert.equal(cosineLr(CONFIG, 10, 110), 1e-3);
  assert.ok(Math.abs(cosineLr(CONFIG, 60, 110) - 5.5e-4) < 1e-12);
  assert.ok(Math.abs(cosineLr(CONFIG, 110, 110) - 1e-4) < 1e-12);
  assert.ok(Math.abs(cosineLr(CONFIG, 500, 110) - 1e-4) < 1e-12);
});

Deno.test({
  ...jaxTest,
  name: "adamwUpdate() clips the global gradient norm, decays matrices only and steps by lr",
  fn: async () => {
    await useWasm();
    const w = [0.5, -0.25, 1, 2]; // [2, 2]
    const n = [1, 1]; // norm weight [2]
    const gw = [3, 0, 0, -4]; // norm 5 together with gn
    const gn = [0, 0];
    const params = { w: np.array(w, { shape: [2, 2] }), n: np.array(n, { shape: [2] }) };
    const grads = { w: np.array(gw, { shape: [2, 2] }), n: np.array(gn, { shape: [2] }) };
    const state = initAdamW(params);
    const [next, s2, norm] = adamwUpdate(CONFIG, params, grads, state, np.array(1e-3));
    assert.ok(Math.abs((await norm.data())[0]! - 5) < 1e-5);
    // First moment holds the clipped gradient: (1 - beta1) * g / 5.
    const m = await s2.m.w!.data();
    gw.forEach((g, i) => assert.ok(Math.abs(m[i]! - 0.1 * g / 5) < 1e-7, `m[${i}] = ${m[i]}`));
    // Step 1: m_hat / sqrt(v_hat) = sign(g); matrices decay by (1 - lr * wd), norms do not.
    const nw = await next.w!.data();
    w.forEach((p, i) => {
      const expected = p * (1 - 1e-3 * 0.1) - 1e-3 * Math.sign(gw[i]!);
      assert.ok(Math.abs(nw[i]! - expected) < 1e-6, `w[${i}] = ${nw[i]}, expected ${expected}`);
    });
    assert.deepEqual(Array.from(await next.n!.data()), n);
    assert.equal((await s2.t.data())[0], 1);
  },
});
