/**
 * The result file of `deno task eval` (bench/results/eval.json): when and on what it ran
 * (models folder and the sha256 of its manifest, machine), every row, the named gains and the
 * summary (the gains' points included), and the wall time.
 *
 * @module
 */
import { cpus, totalmem } from "node:os";
import { z } from "zod";
import { EvalGain, EvalRow } from "./context.ts";

/** Where the evaluation ran. */
export const MachineInfo = z.object({
  deno: z.string(),
  v8: z.string(),
  os: z.string(),
  arch: z.string(),
  cpus: z.number().int(),
  cpu_model: z.string(),
  memory_gb: z.number(),
  ep: z.literal("wasm"),
  ort_threads: z.number().int(),
});
/** Where the evaluation ran. */
export type MachineInfo = z.infer<typeof MachineInfo>;

/** The whole result file. */
export const EvalResult = z.object({
  generated_at: z.string(),
  models: z.object({
    dir: z.string(),
    /** sha256 of `${dir}/manifest.json`, null when the folder has none. */
    manifest_sha256: z.string().nullable(),
  }),
  machine: MachineInfo,
  /** Sections run, --limit (null = every item) and --seed. */
  settings: z.object({
    sections: z.array(z.string()),
    limit: z.number().int().positive().nullable(),
    seed: z.number().int(),
    concurrency: z.number().int(),
    max_batch: z.number().int(),
  }),
  rows: z.array(EvalRow),
  gains: z.record(z.string(), EvalGain),
  summary: z.record(z.string(), z.number()),
  /**
   * Work of each engine the sections shared (the speculative section's own engine is not
   * listed): decode steps and the mean rows per step, which shows the batching.
   */
  engines: z.record(
    z.string(),
    z.object({
      decode_steps: z.number(),
      mean_rows_per_step: z.number(),
      prefill_tokens: z.number(),
      decode_tokens: z.number(),
    }),
  ),
  /** Wall seconds of each section. */
  section_seconds: z.record(z.string(), z.number()),
  /** Wall seconds of the whole run (edge and engines included). */
  seconds: z.number(),
});
/** The whole result file. */
export type EvalResult = z.infer<typeof EvalResult>;

/** This machine, for the result file. */
export function machineInfo(ortThreads: number): MachineInfo {
  const list = cpus();
  return {
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    os: `${Deno.build.os} ${Deno.osRelease()}`,
    arch: Deno.build.arch,
    cpus: list.length,
    cpu_model: list[0]?.model ?? "unknown",
    memory_gb: Math.round(totalmem() / 2 ** 30 * 10) / 10,
    ep: "wasm",
    ort_threads: ortThreads,
  };
}

/** sha256 (hex) of a file, or null when it does not exist. */
export async function fileSha256(path: string): Promise<string | null> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
