/**
 * `deno task bench decode [--quick]`: prefill and decode throughput of Verity's batched engine
 * against transformers.js `generate()` on the same forged model (models/fixtures/target), both
 * on onnxruntime-web with the same execution provider.
 *
 * - Chromium (headless, page served on 127.0.0.1): Verity and transformers.js, wasm and, when
 *   Chromium exposes an adapter, WebGPU (SwiftShader here); the headline comparison.
 * - Deno: Verity on wasm and WebGPU (llvmpipe here), as extra rows (transformers.js would run
 *   on onnxruntime-node under Deno, so it has no Deno rows).
 *
 * Batches of 1, 4 and 8 different prompts, greedy, N new tokens per row; the method is in
 * decode_measure.ts. `--quick` (within 60 s on 2 cores) generates fewer tokens, repeats less
 * and skips WebGPU. Progress goes to stderr as configurations complete.
 *
 * @module
 */
import { ortVersion } from "../client/engine/ort.ts";
import { runInChromium } from "./decode_browser.ts";
import { runInDeno } from "./decode_deno.ts";
import { planFor } from "./decode_plan.ts";
import { summarize } from "./decode_summary.ts";
import { type BenchResult, type BenchSuite, cpuName } from "./result.ts";

const log = (line: string) => console.error(`[decode] ${line}`);

function loadAverage(): number[] {
  try {
    return Deno.loadavg().map((x) => Math.round(x * 100) / 100);
  } catch {
    return [];
  }
}

/** Run the decode suite (see the module docs). */
export const run: BenchSuite = async (options): Promise<BenchResult> => {
  const plan = planFor(options.quick);
  const t0 = performance.now();
  const loadBefore = loadAverage();
  log(`plan ${JSON.stringify(plan)}; load average ${loadBefore.join(" ")}`);
  const deno = await runInDeno(plan, log);
  const browser = await runInChromium(plan, log);
  const rows = [...deno.rows, ...browser.rows];
  const seconds = (performance.now() - t0) / 1000;
  log(`done in ${seconds.toFixed(1)} s`);
  const eps = [...new Set(rows.map((r) => r.ep))];
  const loadAfter = loadAverage();
  const notes: string[] = [];
  if (options.quick) {
    notes.push(
      "--quick warms up for 5 s only: wasm figures are mostly from before V8 optimized onnxruntime's wasm, so they are far below (and noisier than) a full run's",
    );
  }
  const busiest = Math.max(loadBefore[0] ?? 0, loadAfter[0] ?? 0);
  if (busiest > navigator.hardwareConcurrency) {
    notes.push(
      `the machine was shared: 1-minute load average up to ${busiest} on ${navigator.hardwareConcurrency} cores, so rates swing between repetitions; compare rows of one run (they were measured interleaved), not across runs`,
    );
  }
  return {
    suite: "decode",
    date: new Date().toISOString(),
    runtime: {
      deno: Deno.version.deno,
      onnxruntime: `${ortVersion()} (Verity), ${browser.info.transformersOrt} (transformers.js)`,
      ep: eps.join(", "),
      cpu: await cpuName(),
      chromium: browser.chromium,
      transformersjs: browser.info.transformersVersion,
      transformersjs_onnxruntime: browser.info.transformersOrt,
      verity_onnxruntime: ortVersion(),
      webgpu_adapters: { deno: deno.webgpu, chromium: browser.info.webgpu },
      load_average: { before: loadBefore, after: loadAfter },
    },
    rows,
    summary: {
      ...summarize(rows, [...deno.skipped, ...browser.skipped]),
      quick: options.quick,
      notes,
      plan,
      seconds: Math.round(seconds * 10) / 10,
    },
  };
};
