/**
 * Live uPlot charts of a run: one chart per plot spec, redrawn at most once per animation frame
 * from the run's series points, and exported as PNG (the chart canvas on a white background
 * with its title and legend drawn in).
 *
 * @module
 */
import type uPlot from "uplot";
import type { LabExperimentName } from "../../lab/experiments.ts";
import { type AlignedPlot, alignPlot } from "./aligned_data.ts";
import { genericSpec, PLOT_SPECS, type PlotSpec, specMatches } from "./plot_specs.ts";
import { addPoint, type SeriesPoints } from "./run_record.ts";
import { loadUplot, type UPlotCtor } from "./uplot_loader.ts";

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"];

interface Chart {
  readonly spec: PlotSpec;
  readonly box: HTMLElement;
  /** Absent until uPlot has loaded. */
  plot: uPlot | undefined;
  labels: string;
}

/** A chart's PNG export. */
export interface ChartPng {
  readonly id: string;
  readonly title: string;
  readonly blob: Blob;
}

/** Tick labels of a log axis: plain numbers in [0.01, 10^4), else "1e-5" style. */
export function logTicks(_u: uPlot, splits: (number | null)[]): string[] {
  // uPlot passes null for splits it will not label (crowded decades).
  return splits.map((v) =>
    v === null || !Number.isFinite(v)
      ? ""
      : v >= 0.01 && v < 1e4
      ? String(Number(v.toPrecision(3)))
      : v.toExponential(0)
  );
}

function options(spec: PlotSpec, labels: string[], width: number): uPlot.Options {
  return {
    title: spec.title,
    width,
    height: 220,
    scales: { x: { time: false, distr: spec.logX ? 3 : 1 }, y: { distr: spec.logY ? 3 : 1 } },
    axes: [
      { label: spec.xLabel, ...(spec.logX ? { values: logTicks } : {}) },
      spec.logY ? { values: logTicks } : {},
    ],
    series: [
      { label: spec.xLabel },
      ...labels.map((label, i) => ({
        label,
        stroke: COLORS[i % COLORS.length]!,
        width: 1.5,
        spanGaps: true,
        points: { show: false },
      })),
    ],
  };
}

/** The charts of the run on screen. */
export class LabPlots {
  readonly #container: HTMLElement;
  readonly #lib: Promise<UPlotCtor | undefined>;
  #ctor: UPlotCtor | undefined;
  #charts: Chart[] = [];
  #points: SeriesPoints = {};
  #frame = 0;
  #error: string | undefined;

  /**
   * @param container the element the charts live in (emptied on every reset)
   * @param load loads uPlot (default: ./uplot_loader.ts); when it fails the charts say why
   */
  constructor(container: HTMLElement, load: () => Promise<UPlotCtor> = loadUplot) {
    this.#container = container;
    this.#lib = load().then(
      (ctor) => {
        this.#ctor = ctor;
        this.#draw();
        return ctor;
      },
      (err: Error) => {
        this.#error = `Cannot draw charts as uPlot failed to load: ${err.message}`;
        container.dataset.error = this.#error;
        container.textContent = this.#error;
        return undefined;
      },
    );
  }

  /** Show `experiment`'s charts, drawn from `points` (a stored run) or empty (a new run). */
  reset(experiment: LabExperimentName, points: SeriesPoints = {}): void {
    this.destroy();
    this.#points = structuredClone(points);
    for (const spec of PLOT_SPECS[experiment] ?? []) this.#addChart(spec);
    for (const [series, list] of Object.entries(this.#points)) {
      if (list[0] !== undefined) this.#coverSeries(series, list[0]);
    }
    this.#draw();
  }

  /** The points drawn so far, by series. */
  get points(): SeriesPoints {
    return this.#points;
  }

  /** Add one live point; the charts redraw on the next animation frame. */
  add(series: string, point: Record<string, number>): void {
    addPoint(this.#points, series, point);
    this.#coverSeries(series, point);
    this.#frame ||= requestAnimationFrame(() => {
      this.#frame = 0;
      this.#draw();
    });
  }

  /** Every chart as a PNG (none when uPlot could not load). */
  async pngs(): Promise<ChartPng[]> {
    await this.#lib;
    this.#draw();
    const out: ChartPng[] = [];
    for (const c of this.#charts) {
      if (c.plot === undefined) continue;
      out.push({ id: c.spec.id, title: c.spec.title, blob: await chartPng(c.plot, c.spec.title) });
    }
    return out;
  }

  /** Remove every chart. */
  destroy(): void {
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    for (const c of this.#charts) c.plot?.destroy();
    this.#charts = [];
    this.#container.replaceChildren();
    if (this.#error !== undefined) this.#container.textContent = this.#error;
  }

  #coverSeries(series: string, point: Record<string, number>): void {
    if (!this.#charts.some((c) => specMatches(c.spec, series))) {
      this.#addChart(genericSpec(series, point));
    }
  }

  #addChart(spec: PlotSpec): void {
    const box = this.#container.ownerDocument.createElement("div");
    box.dataset.plot = spec.id;
    this.#container.append(box);
    this.#charts.push({ spec, box, plot: undefined, labels: "" });
  }

  #width(): number {
    return Math.max(320, Math.min(760, this.#container.clientWidth || 640));
  }

  #draw(): void {
    for (const c of this.#charts) {
      const aligned: AlignedPlot = alignPlot(c.spec, this.#points);
      const labels = aligned.labels.join("\n");
      c.box.dataset.points = String(aligned.data[0].length);
      if (this.#ctor === undefined) continue;
      if (c.plot === undefined || labels !== c.labels) {
        // First draw, or new lines (another chain started): uPlot fixes its series at construction.
        c.plot?.destroy();
        c.box.replaceChildren();
        c.plot = new this.#ctor(
          options(c.spec, aligned.labels, this.#width()),
          aligned.data,
          c.box,
        );
        c.labels = labels;
      } else {
        c.plot.setData(aligned.data);
      }
    }
  }
}

/** A chart's canvas on white, with its title and legend above it, as PNG. */
export function chartPng(plot: uPlot, title: string): Promise<Blob> {
  const src = plot.ctx.canvas;
  const scale = src.width / Math.max(1, plot.width);
  const head = Math.round(24 * scale);
  const canvas = src.ownerDocument.createElement("canvas");
  canvas.width = src.width;
  canvas.height = src.height + head;
  const ctx = canvas.getContext("2d");
  if (ctx === null) {
    return Promise.reject(new Error("Cannot export the plot as a 2D canvas is unavailable"));
  }
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.font = `${Math.round(13 * scale)}px sans-serif`;
  ctx.textBaseline = "middle";
  ctx.fillStyle = "#222";
  ctx.fillText(title, 8 * scale, head / 2);
  let x = 16 * scale + ctx.measureText(title).width;
  plot.series.slice(1).forEach((s, i) => {
    ctx.fillStyle = COLORS[i % COLORS.length]!;
    ctx.fillRect(x, head / 2 - 2 * scale, 14 * scale, 4 * scale);
    ctx.fillStyle = "#222";
    const label = String(s.label ?? "");
    ctx.fillText(label, x + 18 * scale, head / 2);
    x += 30 * scale + ctx.measureText(label).width;
  });
  ctx.drawImage(src, 0, head);
  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (b) => (b
        ? resolve(b)
        : reject(new Error(`Cannot export '${title}' as PNG: toBlob gave nothing`))),
      "image/png",
    )
  );
}
