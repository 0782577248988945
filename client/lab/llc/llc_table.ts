/**
 * The ground-truth table: LLC estimates versus known values for deep linear networks (Aoyagi)
 * and normal crossings, with one shared sampler configuration per model family.
 *
 * @module
 */
import type { z } from "zod";
import { report, type RunOptions } from "../experiment.ts";
import { type LlcModel, type LlcSettings, runLlc } from "./llc_experiment.ts";

/** Configurations of the table: 9 deep linear networks and 9 normal crossings. */
export const LLC_TABLE_MODELS: LlcModel[] = [
  { kind: "dln", widths: [4, 2], rank: 2 },
  { kind: "dln", widths: [5, 3, 5], rank: 0 },
  { kind: "dln", widths: [5, 3, 5], rank: 1 },
  { kind: "dln", widths: [8, 3, 4], rank: 0 },
  { kind: "dln", widths: [3, 3, 3], rank: 0 },
  { kind: "dln", widths: [4, 4, 4], rank: 2 },
  { kind: "dln", widths: [2, 4, 2], rank: 1 },
  { kind: "dln", widths: [6, 2, 6], rank: 1 },
  { kind: "dln", widths: [3, 4, 5, 3], rank: 1 },
  { kind: "poly", powers: [1] },
  { kind: "poly", powers: [2] },
  { kind: "poly", powers: [3] },
  { kind: "poly", powers: [4] },
  { kind: "poly", powers: [1, 1] },
  { kind: "poly", powers: [1, 2] },
  { kind: "poly", powers: [2, 2] },
  { kind: "poly", powers: [1, 3] },
  { kind: "poly", powers: [2, 3] },
];

/** One row of the table. */
export type LlcTableRow = {
  model: string;
  truth: number;
  llc_mean: number;
  llc_std: number;
  relative_error: number;
  nbeta: number;
  mala_acceptance: number | null;
  fraction_below_init: number;
  wall_seconds: number;
};

/** Short name of a configuration ("dln 5,3,5 r0", "poly 1,2"). */
export function modelName(m: LlcModel): string {
  return m.kind === "dln" ? `dln ${m.widths.join(",")} r${m.rank}` : `poly ${m.powers.join(",")}`;
}

/** Run every configuration with shared settings (model replaced per row). */
export async function runLlcTable(
  base: Omit<z.input<typeof LlcSettings>, "model"> = {},
  models: LlcModel[] = LLC_TABLE_MODELS,
  options: RunOptions = {},
): Promise<{ experiment: "llc_table"; rows: LlcTableRow[] }> {
  const rows: LlcTableRow[] = [];
  for (const model of models) {
    const r = await runLlc({ ...base, model }, options.signal ? { signal: options.signal } : {});
    const row: LlcTableRow = {
      model: modelName(model),
      truth: r.truth,
      llc_mean: r.llc_mean,
      llc_std: r.llc_std,
      relative_error: r.relative_error,
      nbeta: r.nbeta,
      mala_acceptance: r.estimate.mala_acceptance,
      fraction_below_init: r.estimate.fraction_below_init,
      wall_seconds: r.estimate.wall_seconds,
    };
    rows.push(row);
    report(options, {
      fraction: rows.length / models.length,
      message: `${row.model}: ${row.llc_mean.toFixed(3)} ± ${row.llc_std.toFixed(3)} vs ${
        row.truth.toFixed(3)
      }`,
      series: "table",
      point: { index: rows.length, truth: row.truth, llc_mean: row.llc_mean, llc_std: row.llc_std },
    });
  }
  return { experiment: "llc_table", rows };
}
