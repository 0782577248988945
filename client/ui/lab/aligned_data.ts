/**
 * Live series points to uPlot's aligned columns: one shared, sorted x column and one y column
 * per line, null where a line has no point at that x (chains of different lengths, a series
 * still arriving). Values a log axis cannot show (<= 0, non-finite) become null too. Pure.
 *
 * @module
 */
import type { SeriesPoints } from "./run_record.ts";
import { type PlotSpec, specMatches } from "./plot_specs.ts";

/** The lines of one plot and their aligned data. */
export interface AlignedPlot {
  /** Legend label per line. */
  readonly labels: string[];
  /** [x, y_1, ..., y_k] columns of equal length. */
  readonly data: [number[], ...(number | null)[][]];
}

function usable(v: number | undefined, log: boolean): v is number {
  return v !== undefined && Number.isFinite(v) && (!log || v > 0);
}

/**
 * Align the points of every series matching `spec`.
 *
 * @example
 * ```ts
 * alignPlot(spec, { "chain 0": [{ step: 50, loss: 1 }], "chain 1": [{ step: 50, loss: 2 }] });
 * // { labels: ["chain 0", "chain 1"], data: [[50], [1], [2]] }
 * ```
 */
export function alignPlot(spec: PlotSpec, points: SeriesPoints): AlignedPlot {
  const names = Object.keys(points).filter((s) => specMatches(spec, s)).sort((a, b) =>
    a.localeCompare(b, "en", { numeric: true })
  );
  const lines: { label: string; byX: Map<number, number> }[] = [];
  const xs = new Set<number>();
  for (const name of names) {
    for (const y of spec.y) {
      const label = typeof spec.series === "string"
        ? y.label
        : spec.y.length > 1
        ? `${name} ${y.label}`
        : name;
      const byX = new Map<number, number>();
      for (const p of points[name] ?? []) {
        const x = p[spec.x];
        const v = p[y.key];
        if (!usable(x, spec.logX === true)) continue;
        xs.add(x);
        if (usable(v, spec.logY === true)) byX.set(x, v);
      }
      lines.push({ label, byX });
    }
  }
  const x = [...xs].sort((a, b) => a - b);
  return {
    labels: lines.map((l) => l.label),
    data: [x, ...lines.map((l) => x.map((v) => l.byX.get(v) ?? null))],
  };
}
