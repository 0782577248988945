import assert from "node:assert/strict";
import { grad, jit, numpy as np } from "@jax-js/jax";
import { fromHost, intsFromHost, toHost } from "../../../client/lab/device.ts";
import { classMasks, rowLoss } from "../../../client/lab/losses.ts";
import { dlnTarget } from "../../../client/lab/llc/targets.ts";
import { initMlp, mlpApply, MlpConfig } from "../../../client/lab/mlp.ts";
import type { Params } from "../../../client/lab/params.ts";
import { createRng, normals } from "../../../client/lab/rng.ts";
import type { LossFn } from "../../../client/lab/trainer.ts";
import { initTransformer, transformerApply } from "../../../client/lab/transformer.ts";
import { labTest, maxAbsDiff, wasm } from "./lab_fixtures.ts";

type HostParams = Record<string, { data: Float64Array; shape: number[] }>;

async function toHostParams(p: Params): Promise<HostParams> {
  const out: HostParams = {};
  for (const [k, v] of Object.entries(p)) out[k] = { shape: v.shape, data: await toHost(v) };
  return out;
}

function toDevice(h: HostParams): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(h)) out[k] = fromHost(v.data, v.shape, "float64");
  return out;
}

/**
 * Compare the jit-ed float64 gradient with central differences at a few entries of every leaf
 * (worst error relative to max(|fd|, floor)) and with the eager gradient (worst gap relative to
 * the largest gradient entry).
 */
async function gradientErrors(
  loss: LossFn,
  params: Params,
  x: np.Array,
  y: np.Array,
  step: number,
  floor: number,
): Promise<{ fd: number; jitVsEager: number }> {
  const host = await toHostParams(params);
  const g = jit(grad(loss))(toDevice(host), x.ref, y.ref) as unknown as Params;
  const gHost = await toHostParams(g);
  const eager = await toHostParams(grad(loss)(toDevice(host), x.ref, y.ref) as unknown as Params);
  let gap = 0;
  let scale = 0;
  for (const [name, leaf] of Object.entries(gHost)) {
    gap = Math.max(gap, maxAbsDiff(leaf.data, eager[name]!.data));
    scale = Math.max(scale, ...eager[name]!.data.map(Math.abs));
  }
  const jitVsEager = gap / scale;
  const lossAt = async (h: HostParams) => (await toHost(loss(toDevice(h), x.ref, y.ref)))[0]!;
  const rng = createRng(7);
  let worst = 0;
  for (const [name, leaf] of Object.entries(host)) {
    for (let probe = 0; probe < 3; probe++) {
      const i = rng.int(leaf.data.length);
      const orig = leaf.data[i]!;
      leaf.data[i] = orig + step;
      const up = await lossAt(host);
      leaf.data[i] = orig - step;
      const down = await lossAt(host);
      leaf.data[i] = orig;
      const fd = (up - down) / (2 * step);
      const ad = gHost[name]!.data[i]!;
      worst = Math.max(worst, Math.abs(fd - ad) / Math.max(floor, Math.abs(fd)));
    }
  }
  x.dispose();
  y.dispose();
  return { fd: worst, jitVsEager };
}

// jax-js 0.1.25 evaluates exp, log and erf at float32 precision even on float64 arrays, so losses
// that use them get a larger difference step (1e-3) and tolerance; polynomial losses (squared
// error through ReLU or quadratic units, deep linear networks) are checked at float64 precision.
// jit-ed float64 kernels also fold some constants at float32 precision (a relative gap near 1e-7
// from the eager gradient), hence the 1e-6 bound on that gap.

const MLP_CASES = [
  { activation: "relu", loss: "mse", step: 1e-6, tol: 1e-6 },
  { activation: "quadratic", loss: "mse", step: 1e-6, tol: 1e-6 },
  { activation: "linear", loss: "mse", step: 1e-6, tol: 1e-6 },
  { activation: "relu", loss: "cross_entropy", step: 1e-3, tol: 2e-3 },
  { activation: "gelu", loss: "cross_entropy", step: 1e-3, tol: 2e-3 },
  { activation: "quadratic", loss: "cross_entropy", step: 1e-3, tol: 2e-3 },
] as const;

for (const c of MLP_CASES) {
  Deno.test(
    `${c.activation} MLP ${c.loss} gradient matches float64 finite differences`,
    labTest,
    async () => {
      await wasm();
      const rng = createRng(1);
      const config = MlpConfig.parse({ sizes: [6, 8, 16], activation: c.activation });
      const params = initMlp(config, rng, "float64");
      const masks = classMasks(5, 16, np.float64);
      const loss: LossFn = (p, x, y) => rowLoss(c.loss, mlpApply(config, p, x), y, masks).mean();
      const x = fromHost(normals(rng, 12 * 6), [12, 6], "float64");
      const y = intsFromHost(Array.from({ length: 12 }, (_, i) => i % 5), [12]);
      const err = await gradientErrors(loss, params, x, y, c.step, 1e-2);
      masks.additive.dispose();
      masks.keep.dispose();
      assert.ok(err.fd < c.tol, `worst relative error ${err.fd}`);
      assert.ok(err.jitVsEager < 1e-6, `jit and eager gradients differ by ${err.jitVsEager}`);
    },
  );
}

Deno.test(
  "transformer squared-error gradient matches float64 finite differences",
  labTest,
  async () => {
    await wasm();
    const rng = createRng(2);
    const config = { dModel: 8, heads: 2, dMlp: 16 };
    const params = initTransformer(config, { vocab: 6, classes: 16 }, rng, "float64");
    const masks = classMasks(5, 16, np.float64);
    const loss: LossFn = (p, x, y) =>
      rowLoss("mse", transformerApply(config, p, x), y, masks).mean();
    const tokens = Array.from({ length: 8 * 3 }, (_, i) => (i % 3 === 2 ? 5 : (i * 7) % 5));
    const x = intsFromHost(tokens, [8, 3]);
    const y = intsFromHost(Array.from({ length: 8 }, (_, i) => (i * 3) % 5), [8]);
    const err = await gradientErrors(loss, params, x, y, 1e-3, 1e-2);
    masks.additive.dispose();
    masks.keep.dispose();
    assert.ok(err.fd < 2e-3, `worst relative error ${err.fd}`);
    assert.ok(err.jitVsEager < 1e-6, `jit and eager gradients differ by ${err.jitVsEager}`);
  },
);

Deno.test(
  "deep linear network moment loss gradient matches float64 finite differences",
  labTest,
  async () => {
    await wasm();
    const t = dlnTarget([4, 3, 2], 1, 0, 500, 1, 3, "float64");
    const rng = createRng(3);
    const params: Params = {
      w0: fromHost(normals(rng, 12, 0.5), [4, 3], "float64"),
      w1: fromHost(normals(rng, 6, 0.5), [3, 2], "float64"),
    };
    const { x, y } = t.target.data;
    const err = await gradientErrors(t.target.loss, params, x.ref, y.ref, 1e-6, 1e-6);
    t.dispose();
    assert.ok(err.fd < 1e-6, `worst relative error ${err.fd}`);
    assert.ok(err.jitVsEager < 1e-6, `jit and eager gradients differ by ${err.jitVsEager}`);
  },
);
