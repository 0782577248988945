import assert from "node:assert/strict";
import { grad, numpy as np, valueAndGrad } from "@jax-js/jax";
import { fromHost, toHost } from "../../../../client/lab/device.ts";
import { initMlp } from "../../../../client/lab/mlp.ts";
import type { Params } from "../../../../client/lab/params.ts";
import {
  bradleyTerryLoss,
  bradleyTerryLossHost,
} from "../../../../client/lab/pvg/bradley_terry.ts";
import { makePvgTask, writeVerifierFeatures } from "../../../../client/lab/pvg/pvg_task.ts";
import { verifierApply, verifierConfig } from "../../../../client/lab/pvg/verifier.ts";
import { createRng, normals } from "../../../../client/lab/rng.ts";
import { labTest, maxAbsDiff, wasm } from "../lab_fixtures.ts";

const LAMBDA = 0.05;
// jax-js's wasm kernels evaluate exp and log at float32 precision even on float64 arrays (a
// relative error near 1e-7), so differences use a 1e-3 step and errors are relative to
// max(|fd|, 1e-2), as in tests/client/lab/gradients_test.ts.
const STEP = 1e-3;
const REL_TOL = 2e-3;

function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-2);
}

/** Loss of concatenated scores [pos..., neg...] on the device (consumes `scores`). */
function lossOfConcat(scores: np.Array): np.Array {
  const n = scores.shape[0]! / 2;
  return bradleyTerryLoss(scores.ref.slice([0, n]), scores.slice([n, 2 * n]), LAMBDA);
}

Deno.test(
  "Bradley-Terry loss of (2, 0) is log(1 + e^-2) plus the score penalty",
  labTest,
  async () => {
    await wasm();
    const loss = bradleyTerryLoss(
      fromHost([2], [1], "float64"),
      fromHost([0], [1], "float64"),
      LAMBDA,
    );
    const expected = Math.log1p(Math.exp(-2)) + (LAMBDA / 2) * 4;
    assert.ok(relErr((await toHost(loss))[0]!, expected) < 1e-6);
    assert.ok(Math.abs(bradleyTerryLossHost([2], [0], LAMBDA) - expected) < 1e-15);
  },
);

Deno.test(
  "Bradley-Terry gradient matches central finite differences and the closed form",
  labTest,
  async () => {
    await wasm();
    const rng = createRng(11);
    const n = 6;
    const values = Array.from(normals(rng, 2 * n, 2));
    const hostLoss = (v: number[]) => bradleyTerryLossHost(v.slice(0, n), v.slice(n), LAMBDA);
    const [value, g] = valueAndGrad(lossOfConcat)(fromHost(values, [2 * n], "float64"));
    assert.ok(relErr((await toHost(value))[0]!, hostLoss(values)) < 1e-6);
    const deviceGrad = await toHost(g);
    const h = STEP;
    const fd = values.map((_, i) => {
      const up = [...values];
      const down = [...values];
      up[i]! += h;
      down[i]! -= h;
      return (hostLoss(up) - hostLoss(down)) / (2 * h);
    });
    const worst = Math.max(...fd.map((f, i) => relErr(deviceGrad[i]!, f)));
    assert.ok(worst < REL_TOL, `worst relative error ${worst}`);
    // Closed form: dL/dpos_i = (-sigmoid(neg_i - pos_i) + lambda pos_i) / n, and the mirror.
    const sig = (t: number) => 1 / (1 + Math.exp(-t));
    const closed = values.map((v, i) => {
      const d = i < n ? values[i + n]! - v : v - values[i - n]!;
      return ((i < n ? -1 : 1) * sig(d) + LAMBDA * v) / n;
    });
    assert.ok(maxAbsDiff(deviceGrad, closed) < 1e-6, `gap ${maxAbsDiff(deviceGrad, closed)}`);
    // A wrong sign on the penalty or the pairwise term would be far outside these bounds.
    assert.ok(maxAbsDiff(deviceGrad, closed.map((c) => -c)) > 1e-2);
  },
);

Deno.test(
  "Bradley-Terry gradient through the verifier MLP matches finite differences",
  labTest,
  async () => {
    await wasm();
    const task = makePvgTask(3);
    const rng = createRng(5);
    const config = verifierConfig(task, 8);
    const params0 = initMlp(config, rng, "float64");
    const pairs = 4;
    const pos = new Float64Array(pairs * task.verifierDim);
    const neg = new Float64Array(pairs * task.verifierDim);
    for (let i = 0; i < pairs; i++) {
      writeVerifierFeatures(task, 3 * i + 1, 4, pos, i);
      writeVerifierFeatures(task, 3 * i + 1, i, neg, i);
    }
    const lossOf = (p: Params): np.Array => {
      const x = fromHost([...pos, ...neg], [2 * pairs, task.verifierDim], "float64");
      return lossOfConcat(verifierApply(config, p, x));
    };
    const host: Record<string, Float64Array> = {};
    for (const [k, v] of Object.entries(params0)) host[k] = await toHost(v.ref);
    const build = (over?: { name: string; i: number; d: number }): Params => {
      const out: Params = {};
      for (const [k, v] of Object.entries(host)) {
        const copy = Float64Array.from(v);
        if (over?.name === k) copy[over.i]! += over.d;
        out[k] = fromHost(copy, params0[k]!.shape, "float64");
      }
      return out;
    };
    const grads = grad(lossOf)(params0) as Params;
    const h = STEP;
    for (const name of ["w0", "b0", "w1", "b1"]) {
      const g = await toHost(grads[name]!);
      for (const i of [0, 3, 7]) {
        if (i >= g.length) continue;
        const up = (await toHost(lossOf(build({ name, i, d: h }))))[0]!;
        const down = (await toHost(lossOf(build({ name, i, d: -h }))))[0]!;
        const fd = (up - down) / (2 * h);
        assert.ok(relErr(g[i]!, fd) < REL_TOL, `${name}[${i}]: grad ${g[i]} vs fd ${fd}`);
      }
    }
  },
);
