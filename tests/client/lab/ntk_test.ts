import assert from "node:assert/strict";
import { fromHost, toHost } from "../../../client/lab/device.ts";
import { analyticKernels, ReluNetwork } from "../../../client/lab/ntk/analytic.ts";
import { empiricalNtk } from "../../../client/lab/ntk/empirical.ts";
import { relativeFrobenius } from "../../../client/lab/ntk/width_error.ts";
import { initMlp, MlpConfig } from "../../../client/lab/mlp.ts";
import { createRng } from "../../../client/lab/rng.ts";
import { spherePoints } from "../../../client/lab/ntk/sphere.ts";
import { labTest, maxAbsDiff, wasm } from "./lab_fixtures.ts";

/** Plain float64 reference of the NTK-parameterisation recursion (anchors.md), one pair at a time. */
function referenceKernels(net: ReluNetwork, x1: number[], x2: number[]) {
  const d = x1.length;
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0) / d;
  let s = dot(x1, x2);
  let q1 = dot(x1, x1);
  let q2 = dot(x2, x2);
  let t = 0;
  const [w2, b2] = [net.sw ** 2, net.sb ** 2];
  const dense = () => {
    s = w2 * s + b2;
    q1 = w2 * q1 + b2;
    q2 = w2 * q2 + b2;
    t = s + w2 * t;
  };
  for (let l = 0; l < net.depth; l++) {
    dense();
    const norm = Math.sqrt(q1 * q2);
    const c = Math.min(1, Math.max(-1, s / norm));
    const theta = Math.acos(c);
    s = (norm / (2 * Math.PI)) * (Math.sin(theta) + (Math.PI - theta) * c);
    t = (t * (Math.PI - theta)) / (2 * Math.PI);
    q1 /= 2;
    q2 /= 2;
  }
  dense();
  return { nngp: s, ntk: t };
}

Deno.test("analytic NNGP and NTK match a plain float64 recursion", labTest, async () => {
  await wasm();
  const rng = createRng(11);
  const d = 5;
  const a = Array.from({ length: 6 * d }, () => rng.normal());
  const b = Array.from({ length: 4 * d }, () => rng.normal() * 2);
  for (
    const net of [
      ReluNetwork.parse({ depth: 1 }),
      ReluNetwork.parse({ depth: 3, sw: 1.2, sb: 0.3 }),
    ]
  ) {
    const k = analyticKernels(net, fromHost(a, [6, d], "float64"), fromHost(b, [4, d], "float64"));
    const nngp = await toHost(k.nngp);
    const ntk = await toHost(k.ntk);
    const wantNngp: number[] = [];
    const wantNtk: number[] = [];
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 4; j++) {
        const r = referenceKernels(net, a.slice(i * d, i * d + d), b.slice(j * d, j * d + d));
        wantNngp.push(r.nngp);
        wantNtk.push(r.ntk);
      }
    }
    // arccos runs at float32 precision in jax-js even on float64 arrays: a relative 1e-6 bound.
    const scale = Math.max(...wantNtk.map(Math.abs));
    assert.ok(maxAbsDiff(nngp, wantNngp) < 1e-6 * scale, `nngp gap ${maxAbsDiff(nngp, wantNngp)}`);
    assert.ok(maxAbsDiff(ntk, wantNtk) < 1e-6 * scale, `ntk gap ${maxAbsDiff(ntk, wantNtk)}`);
  }
});

Deno.test(
  "the NTK diagonal of a depth-L ReLU net with sw^2 = 2 and sb = 0 is 2 (L + 1) on the sphere",
  labTest,
  async () => {
    await wasm();
    const x = spherePoints(createRng(3), 3, 4);
    const k = analyticKernels(
      ReluNetwork.parse({ depth: 2, sw: Math.SQRT2, sb: 0 }),
      fromHost(x, [3, 4], "float64"),
      fromHost(x, [3, 4], "float64"),
    );
    k.nngp.dispose();
    const ntk = await toHost(k.ntk);
    for (let i = 0; i < 3; i++) {
      assert.ok(
        Math.abs(ntk[i * 3 + i]! - 6) < 1e-9,
        `diagonal ${ntk[i * 3 + i]}`,
      );
    }
  },
);

Deno.test(
  "the empirical NTK of a wide network approaches the analytic kernel",
  labTest,
  async () => {
    await wasm();
    const net = ReluNetwork.parse({ depth: 1, sw: Math.SQRT2, sb: 0.1 });
    const d = 3;
    const x = spherePoints(createRng(5), 6, d);
    const k = analyticKernels(net, fromHost(x, [6, d], "float64"), fromHost(x, [6, d], "float64"));
    k.nngp.dispose();
    const theta = await toHost(k.ntk);
    const errors: number[] = [];
    for (const width of [32, 2048]) {
      const config = MlpConfig.parse({
        sizes: [d, width, 1],
        activation: "relu",
        parameterization: "ntk",
        weightScale: net.sw,
        biasScale: net.sb,
      });
      const emp = await toHost(
        empiricalNtk(
          config,
          initMlp(config, createRng(width), "float64"),
          fromHost(x, [6, d], "float64"),
        ),
      );
      errors.push(relativeFrobenius(emp, theta));
    }
    assert.ok(errors[1]! < 0.1, `width 2048 error ${errors[1]}`);
    assert.ok(errors[1]! < errors[0]!, `errors ${errors}`);
  },
);
