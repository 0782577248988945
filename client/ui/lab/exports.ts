/**
 * Exports of a run: its JSON (settings, device, status, result and every live series point), its
 * series as CSV (./csv.ts) and each chart as PNG, offered as download links. The text formats
 * are pure functions; `renderExports` makes the links (blob URLs it revokes on the next render).
 *
 * @module
 */
import { seriesCsv } from "./csv.ts";
import type { LabPlots } from "./plots.ts";
import type { RunRecord } from "./run_record.ts";

/** Format tag of the JSON export. */
export const RUN_JSON_FORMAT = "verity-lab-run/1";

/** A run as pretty-printed JSON. NaN and infinities (which JSON lacks) become null. */
export function runJson(record: RunRecord): string {
  return JSON.stringify(
    {
      format: RUN_JSON_FORMAT,
      id: record.id ?? null,
      experiment: record.experiment,
      status: record.status,
      requested_device: record.requestedDevice,
      device: record.device,
      fallback_reason: record.fallbackReason ?? null,
      started_at: new Date(record.startedAt).toISOString(),
      finished_at: record.finishedAt === null ? null : new Date(record.finishedAt).toISOString(),
      settings: record.settings,
      error: record.error ?? null,
      result: record.result ?? null,
      series: record.points,
    },
    null,
    2,
  );
}

/** File name of an export: "verity-lab-grokking-12.json", "verity-lab-grokking-12-loss.png". */
export function exportName(record: RunRecord, ext: string, part?: string): string {
  const tail = part === undefined ? "" : `-${part}`;
  return `verity-lab-${record.experiment}-${record.id ?? "unsaved"}${tail}.${ext}`;
}

/** Download links of the run on screen. */
export class ExportLinks {
  readonly #root: HTMLElement;
  #urls: string[] = [];
  #generation = 0;

  /** @param root the element the links go in (emptied on every render). */
  constructor(root: HTMLElement) {
    this.#root = root;
  }

  /** Links for `record`: JSON and CSV at once, one PNG per chart once its canvas is encoded. */
  async render(record: RunRecord, plots: LabPlots): Promise<void> {
    this.clear();
    const generation = this.#generation;
    const doc = this.#root.ownerDocument;
    const label = doc.createElement("span");
    label.textContent = "Export:";
    this.#root.append(label);
    this.#link(
      "json",
      "JSON",
      new Blob([runJson(record)], { type: "application/json" }),
      exportName(record, "json"),
    );
    this.#link(
      "csv",
      "CSV",
      new Blob([seriesCsv(record.points)], { type: "text/csv" }),
      exportName(record, "csv"),
    );
    const pngs = await plots.pngs();
    if (generation !== this.#generation) return; // another run was opened meanwhile
    for (const png of pngs) {
      this.#link(`png-${png.id}`, `PNG: ${png.title}`, png.blob, exportName(record, "png", png.id));
    }
    this.#root.dataset.ready = "true";
  }

  /** Remove the links and free their blob URLs. */
  clear(): void {
    this.#generation++;
    for (const url of this.#urls) URL.revokeObjectURL(url);
    this.#urls = [];
    this.#root.replaceChildren();
    delete this.#root.dataset.ready;
  }

  #link(kind: string, text: string, blob: Blob, name: string): void {
    const a = this.#root.ownerDocument.createElement("a");
    const url = URL.createObjectURL(blob);
    this.#urls.push(url);
    a.href = url;
    a.download = name;
    a.dataset.export = kind;
    a.textContent = text;
    this.#root.append(a);
  }
}
