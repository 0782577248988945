/**
 * Live tables of a run (./table_specs.ts): one <table> per spec of the experiment, a row added
 * as each point of its series arrives, rebuilt whole when a stored run is reopened. Cells are
 * text nodes; each carries its key and the exact CSV text of its value (`data-key`,
 * `data-value`) with the shown rounding, so a reader (or a test) can compare it with the CSV.
 *
 * @module
 */
import type { LabExperimentName } from "../../lab/experiments.ts";
import type { SeriesPoints } from "./run_record.ts";
import { type TableCell, tableRow, tablesFor, type TableSpec } from "./table_specs.ts";

interface LiveTable {
  readonly spec: TableSpec;
  readonly body: HTMLElement;
}

/** The tables of the run on screen. */
export class LabTables {
  readonly #container: HTMLElement;
  #tables: LiveTable[] = [];

  /** @param container the element the tables live in (emptied on every reset) */
  constructor(container: HTMLElement) {
    this.#container = container;
  }

  /** Show the (empty) tables of `experiment`, then the rows of `points` when given. */
  reset(experiment: LabExperimentName, points: SeriesPoints = {}): void {
    const doc = this.#container.ownerDocument;
    this.#container.replaceChildren();
    this.#tables = tablesFor(experiment).map((spec) => {
      const table = doc.createElement("table");
      table.className = "lab-table";
      table.setAttribute("data-lab-table", spec.id);
      const caption = doc.createElement("caption");
      caption.append(doc.createTextNode(spec.title));
      const head = doc.createElement("thead");
      const tr = doc.createElement("tr");
      for (const c of spec.columns) {
        const th = doc.createElement("th");
        th.setAttribute("scope", "col");
        th.setAttribute("data-key", c.key);
        th.append(doc.createTextNode(c.label));
        tr.append(th);
      }
      head.append(tr);
      const body = doc.createElement("tbody");
      table.append(caption, head, body);
      this.#container.append(table);
      return { spec, body };
    });
    for (const t of this.#tables) {
      for (const point of points[t.spec.series] ?? []) this.#append(t, point);
    }
  }

  /** Add a live point to every table fed by `series`. */
  add(series: string, point: Readonly<Record<string, number>>): void {
    for (const t of this.#tables) if (t.spec.series === series) this.#append(t, point);
  }

  #append(t: LiveTable, point: Readonly<Record<string, number>>): void {
    const doc = this.#container.ownerDocument;
    const tr = doc.createElement("tr");
    tr.setAttribute("data-row", String(t.body.childNodes.length));
    for (const cell of tableRow(t.spec, point)) tr.append(cellElement(doc, cell));
    t.body.append(tr);
  }
}

function cellElement(doc: Document, cell: TableCell): HTMLElement {
  const td = doc.createElement("td");
  td.setAttribute("data-key", cell.key);
  td.setAttribute("data-value", cell.csv);
  if (cell.csv !== "") td.setAttribute("title", cell.csv);
  td.append(doc.createTextNode(cell.text));
  return td;
}
