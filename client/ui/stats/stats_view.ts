/**
 * Live statistics of the chat: tokens/s, time to first token, acceptance rate and gamma when
 * speculating, batch occupancy and adapter pool counters, plus a uPlot chart of tokens/s over
 * the last answers.
 *
 * @module
 */
import type uPlot from "uplot";
import type { AnswerStats } from "../conversations/conversation_db.ts";
import { useValidLanguageTag } from "../shell/locale.ts";

/** Most answers kept in the chart. */
export const CHART_ANSWERS = 20;

/** Adapter pool counters (engine.adapterMetrics(), when the engine has one). */
export interface AdapterPoolMetrics {
  readonly resident: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
}

/** What the stats panel shows (null = not measured). */
export interface LiveFigures {
  readonly last?: AnswerStats;
  /** Rows decoding now / the engine's maximum batch. */
  readonly occupancy?: { readonly active: number; readonly maxBatch: number };
  readonly adapters?: AdapterPoolMetrics;
}

const fmt = (v: number | null | undefined, digits: number, unit = "") =>
  v === null || v === undefined || !Number.isFinite(v) ? "–" : `${v.toFixed(digits)}${unit}`;

/** The stats panel: a definition list and a chart. */
export class StatsView {
  readonly #list: HTMLElement;
  readonly #chartRoot: HTMLElement;
  readonly #rates: number[] = [];
  #chart: uPlot | undefined;
  #chartFailed = false;
  #figures: LiveFigures = {};

  constructor(list: HTMLElement, chartRoot: HTMLElement) {
    this.#list = list;
    this.#chartRoot = chartRoot;
    this.render();
  }

  /** Tokens/s of the answers in the chart, oldest first. */
  get rates(): readonly number[] {
    return this.#rates;
  }

  /** Update some figures and redraw the list. */
  update(figures: Partial<LiveFigures>): void {
    this.#figures = { ...this.#figures, ...figures };
    this.render();
  }

  /** Record a finished answer: shown as the last one and added to the chart. */
  addAnswer(stats: AnswerStats): void {
    this.update({ last: stats });
    if (stats.tokensPerSecond !== null) {
      this.#rates.push(stats.tokensPerSecond);
      if (this.#rates.length > CHART_ANSWERS) this.#rates.shift();
      void this.#drawChart();
    }
  }

  /** Replace the chart's history (e.g. the answers of a restored conversation). */
  setHistory(stats: readonly AnswerStats[]): void {
    this.#rates.length = 0;
    for (const s of stats.slice(-CHART_ANSWERS)) {
      if (s.tokensPerSecond !== null) this.#rates.push(s.tokensPerSecond);
    }
    const last = stats.at(-1);
    this.#figures = { ...this.#figures, ...(last !== undefined ? { last } : {}) };
    if (last === undefined) delete (this.#figures as { last?: AnswerStats }).last;
    this.render();
    void this.#drawChart();
  }

  /** Redraw the list from the current figures. */
  render(): void {
    const { last, occupancy, adapters } = this.#figures;
    const rows: [string, string, string][] = [
      ["tokens-per-second", "Tokens/s", fmt(last?.tokensPerSecond, 1)],
      ["ttft", "Time to first token", fmt(last?.ttftMs, 0, " ms")],
      ["completion-tokens", "Tokens in last answer", fmt(last?.completionTokens, 0)],
      [
        "occupancy",
        "Batch occupancy",
        occupancy === undefined ? "–" : `${occupancy.active} / ${occupancy.maxBatch}`,
      ],
    ];
    if (last?.acceptanceRate !== null && last?.acceptanceRate !== undefined) {
      rows.push(["acceptance", "Draft acceptance", fmt(last.acceptanceRate * 100, 0, " %")]);
      rows.push(["gamma", "Mean gamma", fmt(last.gamma, 2)]);
    }
    if (adapters !== undefined) {
      rows.push([
        "adapter-pool",
        "Adapter pool",
        `${adapters.resident} resident, ${adapters.hits} hits, ${adapters.misses} misses, ${adapters.evictions} evictions`,
      ]);
    }
    this.#list.replaceChildren(...rows.flatMap(([key, label, value]) => {
      const dt = document.createElement("dt");
      dt.textContent = label;
      const dd = document.createElement("dd");
      dd.dataset.stat = key;
      dd.textContent = value;
      return [dt, dd];
    }));
  }

  /** Draw (or update) the chart; resolves when drawn. */
  async #drawChart(): Promise<void> {
    if (this.#chart !== undefined) {
      this.#chart.setData([this.#rates.map((_, i) => i + 1), [...this.#rates]]);
      return;
    }
    if (this.#rates.length === 0 || this.#chartFailed) return;
    // Loaded on first use: uPlot reads navigator.language when its module is evaluated, and an
    // unusual locale (e.g. "en-US@posix") makes that throw; the page must start regardless.
    let UPlot: typeof uPlot;
    try {
      useValidLanguageTag();
      UPlot = (await import("uplot")).default;
    } catch (err) {
      this.#chartFailed = true;
      this.#chartRoot.textContent = `The chart is unavailable: ${String(err)}`;
      return;
    }
    // Another call may have drawn the chart while uPlot loaded.
    const drawn = this.#chart as uPlot | undefined;
    if (drawn !== undefined) {
      drawn.setData([this.#rates.map((_, i) => i + 1), [...this.#rates]]);
      return;
    }
    const width = Math.max(200, Math.min(360, this.#chartRoot.clientWidth || 280));
    this.#chart = new UPlot(
      {
        width,
        height: 140,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false } },
        axes: [
          { label: "answer", size: 30, stroke: "currentColor" },
          { label: "tokens/s", size: 60, stroke: "currentColor" },
        ],
        series: [{}, { label: "tokens/s", stroke: "#2f6fde", width: 2, points: { show: true } }],
      },
      [this.#rates.map((_, i) => i + 1), [...this.#rates]],
      this.#chartRoot,
    );
  }
}
