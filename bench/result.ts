/**
 * The common shape of every benchmark result and the writer of bench/results/<suite>.json.
 *
 * @module
 */
import { z } from "zod";

/** `{ suite, date, runtime, rows, summary }` as fixed by design.md. */
export const BenchResult = z.object({
  suite: z.string(),
  date: z.string(),
  runtime: z.object({
    deno: z.string(),
    onnxruntime: z.string().optional(),
    ep: z.string().optional(),
    cpu: z.string(),
  }).catchall(z.unknown()),
  rows: z.array(z.record(z.string(), z.unknown())),
  summary: z.record(z.string(), z.unknown()),
});
/** A benchmark result. */
export type BenchResult = z.infer<typeof BenchResult>;

/** Options every suite receives. */
export interface BenchOptions {
  /** Finish within 60 s on 2 cores. */
  readonly quick: boolean;
  /** Remaining command-line arguments. */
  readonly args: readonly string[];
}

/** A benchmark suite: runs and returns its result (the caller writes and prints it). */
export type BenchSuite = (options: BenchOptions) => Promise<BenchResult>;

/** A short description of this machine's CPU, for result files. */
export async function cpuName(): Promise<string> {
  try {
    const text = await Deno.readTextFile("/proc/cpuinfo");
    const model = /model name\s*:\s*(.+)/.exec(text)?.[1] ?? "unknown";
    return `${model.trim()} x${navigator.hardwareConcurrency}`;
  } catch {
    return `unknown x${navigator.hardwareConcurrency}`;
  }
}

/** Write `bench/results/<suite>.json` (validated) and return its path. */
export async function writeResult(result: BenchResult, dir = "bench/results"): Promise<string> {
  const checked = BenchResult.parse(result);
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/${checked.suite}.json`;
  await Deno.writeTextFile(path, JSON.stringify(checked, null, 2) + "\n");
  return path;
}

/** Print rows as an aligned text table. */
export function printTable(rows: readonly Record<string, unknown>[]): void {
  if (rows.length === 0) return;
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) =>
    typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v ?? "");
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  console.log(cols.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  "));
  for (const r of rows) {
    console.log(cols.map((c, i) => cell(r[c]).padEnd(widths[i] ?? 0)).join("  "));
  }
}
