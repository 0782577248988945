/**
 * The Deno half of the decode benchmark: Verity in-process on onnxruntime-web's wasm EP
 * (single-threaded) and on WebGPU (Deno's adapter, llvmpipe here), loading the fixture model
 * from its path. transformers.js is not run here: under Deno it would take onnxruntime-node.
 *
 * @module
 */
import { createEngine } from "../client/engine/engine.ts";
import { configureOrt } from "../client/engine/ort.ts";
import {
  type DecodeEp,
  type DecodeRow,
  describeRow,
  measureInterleaved,
  timed,
} from "./decode_measure.ts";
import { describeWarmup, warmUp } from "./decode_warmup.ts";
import { type DecodePlan, epPlan } from "./decode_plan.ts";
import { verityBatchRun } from "./decode_verity.ts";

/** The fixture model both libraries run. */
export const MODEL_PATH = new URL("../models/fixtures/target", import.meta.url).pathname;

/** What the Deno run produced. */
export interface DenoRun {
  readonly rows: DecodeRow[];
  /** Deno's WebGPU adapter, or null when there is none. */
  readonly webgpu: string | null;
  readonly skipped: string[];
}

/** Deno's WebGPU adapter description, or null. */
export async function denoWebGpuAdapter(): Promise<string | null> {
  const adapter = await navigator.gpu?.requestAdapter().catch(() => null);
  if (adapter === null || adapter === undefined) return null;
  const i = adapter.info;
  return [i.vendor, i.architecture, i.description].filter((s) => s !== "").join(" ") ||
    "unnamed adapter";
}

/**
 * Run Verity under Deno on wasm, and on WebGPU when the plan asks and an adapter exists.
 *
 * @example
 * ```ts
 * const { rows } = await runInDeno(planFor(true), console.error);
 * ```
 */
export async function runInDeno(plan: DecodePlan, log: (line: string) => void): Promise<DenoRun> {
  configureOrt({ numThreads: 1 });
  const skipped: string[] = [];
  const eps: DecodeEp[] = ["wasm"];
  const webgpu = plan.webgpu !== null ? await denoWebGpuAdapter() : null;
  if (plan.webgpu === null) skipped.push("deno webgpu rows skipped (--quick)");
  else if (webgpu === null) skipped.push("deno webgpu rows skipped: no WebGPU adapter");
  else eps.push("webgpu");
  const rows: DecodeRow[] = [];
  for (const ep of eps) {
    const t0 = performance.now();
    const engine = await createEngine({
      model: { kind: "path", path: MODEL_PATH },
      ep,
      maxBatch: 8,
    });
    log(`deno verity ${ep}: loaded in ${seconds(t0)}`);
    const settings = epPlan(plan, ep);
    if (settings === null) continue;
    try {
      const timerFor = (batch: number) => timed(verityBatchRun(engine, batch));
      const [w] = await warmUp([timerFor], plan.batches, settings.warmup);
      if (w !== undefined) log(`deno verity ${ep}: ${describeWarmup(w)}`);
      const t1 = performance.now();
      const measured = await measureInterleaved(
        plan.batches.map((batch) => ({
          id: { library: "verity", runtime: "deno", ep },
          batch,
          timer: timerFor(batch),
        })),
        {
          newTokens: settings.newTokens,
          reps: settings.reps,
          onRound: (r) => log(`deno ${ep}: round ${r}/${settings.reps} done (${seconds(t1)})`),
        },
      );
      for (const row of measured) log(describeRow(row));
      rows.push(...measured);
    } finally {
      await engine.dispose();
    }
  }
  return { rows, webgpu, skipped };
}

function seconds(t0: number): string {
  return `${((performance.now() - t0) / 1000).toFixed(1)} s`;
}
