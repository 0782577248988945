/**
 * The summary of bench/results/decode.json, computed from the rows alone: Verity vs
 * transformers.js at batch 1 on wasm in Chromium (the headline comparison, both on
 * onnxruntime-web), Verity's batch-8 over batch-1 aggregate decode throughput, the same two
 * Verity figures under Deno, and whether the goals are met.
 *
 * @module
 */
import type { DecodeEp, DecodeLibrary, DecodeRow, DecodeRuntime } from "./decode_measure.ts";

/** Goals of issue 2: ratio_vs_transformersjs_b1 >= 1.0 and batch8_over_batch1 >= 3.0. */
export const GOALS = { ratio_vs_transformersjs_b1: 1.0, batch8_over_batch1: 3.0 } as const;

/** One goal: its minimum, the measured value (null when a row is missing) and whether it is met. */
export interface GoalResult {
  readonly min: number;
  readonly value: number | null;
  readonly met: boolean;
}

/** The summary object. */
export interface DecodeSummary {
  /** Verity decode tokens/s, Chromium, wasm, batch 1. */
  readonly verity_b1_tokens_per_s: number | null;
  /** transformers.js decode tokens/s, Chromium, wasm, batch 1. */
  readonly transformersjs_b1_tokens_per_s: number | null;
  /** Verity / transformers.js at batch 1 on wasm (Chromium). */
  readonly ratio_vs_transformersjs_b1: number | null;
  /** Verity aggregate decode tokens/s at batch 8 over batch 1 (Chromium, wasm). */
  readonly batch8_over_batch1: number | null;
  /** Verity decode tokens/s under Deno, wasm, batch 1. */
  readonly deno_verity_b1_tokens_per_s: number | null;
  /** Verity batch 8 over batch 1 under Deno, wasm. */
  readonly deno_batch8_over_batch1: number | null;
  /** Verity / transformers.js decode tokens/s for every Chromium (ep, batch), e.g. "wasm_b4". */
  readonly ratios_vs_transformersjs: Readonly<Record<string, number>>;
  readonly goals: {
    readonly ratio_vs_transformersjs_b1: GoalResult;
    readonly batch8_over_batch1: GoalResult;
  };
  /** Configurations not run, with the reason. */
  readonly skipped: readonly string[];
}

/** Decode tokens/s of one row, or null when it is missing. */
export function decodeRate(
  rows: readonly DecodeRow[],
  library: DecodeLibrary,
  runtime: DecodeRuntime,
  ep: DecodeEp,
  batch: number,
): number | null {
  const row = rows.find((r) =>
    r.library === library && r.runtime === runtime && r.ep === ep && r.batch === batch
  );
  return row?.decode_tokens_per_s ?? null;
}

function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}

function goal(value: number | null, min: number): GoalResult {
  return { min, value, met: value !== null && value >= min };
}

/**
 * Compute the summary from the rows.
 *
 * @example
 * ```ts
 * const summary = summarize(rows, ["chromium webgpu rows skipped (--quick)"]);
 * summary.goals.batch8_over_batch1.met;
 * ```
 */
export function summarize(rows: readonly DecodeRow[], skipped: readonly string[]): DecodeSummary {
  const verity = decodeRate(rows, "verity", "chromium", "wasm", 1);
  const theirs = decodeRate(rows, "transformers.js", "chromium", "wasm", 1);
  const b8 = ratio(decodeRate(rows, "verity", "chromium", "wasm", 8), verity);
  const deno = decodeRate(rows, "verity", "deno", "wasm", 1);
  const ratios: Record<string, number> = {};
  for (const row of rows) {
    if (row.library !== "verity" || row.runtime !== "chromium") continue;
    const r = ratio(
      row.decode_tokens_per_s,
      decodeRate(rows, "transformers.js", "chromium", row.ep, row.batch),
    );
    if (r !== null) ratios[`${row.ep}_b${row.batch}`] = r;
  }
  const headline = ratio(verity, theirs);
  return {
    verity_b1_tokens_per_s: verity,
    transformersjs_b1_tokens_per_s: theirs,
    ratio_vs_transformersjs_b1: headline,
    batch8_over_batch1: b8,
    deno_verity_b1_tokens_per_s: deno,
    deno_batch8_over_batch1: ratio(decodeRate(rows, "verity", "deno", "wasm", 8), deno),
    ratios_vs_transformersjs: ratios,
    goals: {
      ratio_vs_transformersjs_b1: goal(headline, GOALS.ratio_vs_transformersjs_b1),
      batch8_over_batch1: goal(b8, GOALS.batch8_over_batch1),
    },
    skipped,
  };
}
