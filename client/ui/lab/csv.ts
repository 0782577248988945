/**
 * CSV export of a run's live series (RFC 4180: comma separated, CRLF line ends, fields with a
 * comma, quote or line break quoted with doubled quotes). Long format: one row per point, a
 * `series` column first, then the union of the points' keys in first-seen order; a key a point
 * lacks is an empty cell. Written by hand: a CSV writer is a dozen lines and none of the
 * project's libraries has one.
 *
 * @module
 */
import type { SeriesPoints } from "./run_record.ts";

/** One CSV cell: strings quoted when needed, numbers as JavaScript prints them, null empty. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows to CSV text (CRLF after every row, the header included). */
export function toCsv(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return rows.map((r) => r.map(csvCell).join(",") + "\r\n").join("");
}

/**
 * A run's series points as long-format CSV.
 *
 * @example
 * ```ts
 * seriesCsv({ train: [{ step: 0, loss: 1.5 }] }); // "series,step,loss\r\ntrain,0,1.5\r\n"
 * ```
 */
export function seriesCsv(points: SeriesPoints): string {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const list of Object.values(points)) {
    for (const p of list) {
      for (const k of Object.keys(p)) {
        if (!seen.has(k)) {
          seen.add(k);
          keys.push(k);
        }
      }
    }
  }
  const rows: (string | number | null)[][] = [["series", ...keys]];
  for (const [series, list] of Object.entries(points)) {
    for (const p of list) rows.push([series, ...keys.map((k) => p[k] ?? null)]);
  }
  return toCsv(rows);
}
