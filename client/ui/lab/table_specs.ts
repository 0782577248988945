/**
 * Which tables each experiment shows and which live series feed them: one row per point of a
 * series, one column per key. A cell keeps the exact text the CSV export writes for that point
 * and key (./csv.ts csvCell), so the table and the CSV agree by construction; the cell shows
 * that number rounded. Pure.
 *
 * @module
 */
import type { LabExperimentName } from "../../lab/experiments.ts";
import { csvCell } from "./csv.ts";
import type { SeriesPoints } from "./run_record.ts";

/** One column: a key of the series' points. */
export interface TableColumn {
  readonly key: string;
  readonly label: string;
  /** Decimals shown (the exact value stays in the cell's data). 0 for counts and indices. */
  readonly digits: number;
}

/** One table of a live series. */
export interface TableSpec {
  /** Stable id (the table's `data-lab-table`). */
  readonly id: string;
  readonly title: string;
  readonly series: string;
  readonly columns: readonly TableColumn[];
}

/**
 * The prover-verifier game per round (client/lab/pvg/pvg_round.ts PvgRound): completeness is
 * helpful-correct solutions accepted, soundness sneaky-incorrect solutions rejected ("start":
 * against the provers as they entered the round), the provers' accuracies, the sneaky prover's
 * success (incorrect and accepted), the verifier's balanced accuracy, and the first prover step
 * at which the sneaky prover fooled the verifier (empty when it never did).
 */
export const PVG_ROUNDS_TABLE: TableSpec = {
  id: "pvg_rounds",
  title: "Prover-verifier game per round",
  series: "rounds",
  columns: [
    { key: "round", label: "round", digits: 0 },
    { key: "soundness_start", label: "soundness at start", digits: 3 },
    { key: "completeness", label: "completeness", digits: 3 },
    { key: "soundness", label: "soundness", digits: 3 },
    { key: "helpful_accuracy", label: "helpful accuracy", digits: 3 },
    { key: "sneaky_accuracy", label: "sneaky accuracy", digits: 3 },
    { key: "sneaky_success", label: "sneaky success", digits: 3 },
    { key: "verifier_accuracy", label: "verifier balanced accuracy", digits: 3 },
    { key: "sneaky_fool_step", label: "fooled at step", digits: 0 },
  ],
};

/** Tables by experiment; an experiment without an entry shows none. */
export const TABLE_SPECS: Readonly<Partial<Record<LabExperimentName, readonly TableSpec[]>>> = {
  pvg: [PVG_ROUNDS_TABLE],
};

/** The tables of an experiment. */
export function tablesFor(name: LabExperimentName): readonly TableSpec[] {
  return TABLE_SPECS[name] ?? [];
}

/** One cell: the shown text and the exact CSV text of the same value. */
export interface TableCell {
  readonly key: string;
  readonly text: string;
  readonly csv: string;
}

/** A value as a table cell: "–" when missing, else rounded to `digits`. */
export function tableCell(column: TableColumn, value: number | undefined): TableCell {
  const csv = csvCell(value ?? null);
  const text = value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(column.digits);
  return { key: column.key, text, csv };
}

/** The row of one point. */
export function tableRow(spec: TableSpec, point: Readonly<Record<string, number>>): TableCell[] {
  return spec.columns.map((c) => tableCell(c, point[c.key]));
}

/**
 * Every row of a table from a run's points (the points of `spec.series`, in arrival order).
 *
 * @example
 * ```ts
 * tableRows(PVG_ROUNDS_TABLE, { rounds: [{ round: 0, completeness: 0.98 }] })[0]![2];
 * // { key: "completeness", text: "0.980", csv: "0.98" }
 * ```
 */
export function tableRows(spec: TableSpec, points: SeriesPoints): TableCell[][] {
  return (points[spec.series] ?? []).map((p) => tableRow(spec, p));
}
