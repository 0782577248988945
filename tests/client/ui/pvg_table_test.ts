/**
 * The Lab tab's prover-verifier game table without a browser: rows from the rounds series
 * (live, one at a time, and a reopened run at once) whose cells carry exactly the values the
 * CSV export writes, fed with the measured rounds of bench/results/lab_pvg.json.
 *
 * @module
 */
import assert from "node:assert/strict";
import { seriesCsv } from "../../../client/ui/lab/csv.ts";
import { PLOT_SPECS } from "../../../client/ui/lab/plot_specs.ts";
import { presetsFor, TINY_PVG } from "../../../client/ui/lab/presets.ts";
import type { SeriesPoints } from "../../../client/ui/lab/run_record.ts";
import { LabTables } from "../../../client/ui/lab/series_tables.ts";
import {
  PVG_ROUNDS_TABLE,
  tableCell,
  tableRows,
  tablesFor,
} from "../../../client/ui/lab/table_specs.ts";
import { PvgSettings } from "../../../client/lab/pvg/pvg_settings.ts";
import { asElement, fakeDocument } from "./fake_dom.ts";

/** The rounds of the stored benchmark as the experiment reports them (numeric fields only). */
async function benchRounds(): Promise<Record<string, number>[]> {
  const path = new URL("../../../bench/results/lab_pvg.json", import.meta.url);
  const bench = JSON.parse(await Deno.readTextFile(path)) as { rows: Record<string, unknown>[] };
  return bench.rows.map((r) =>
    Object.fromEntries(Object.entries(r).filter(([, v]) => typeof v === "number")) as Record<
      string,
      number
    >
  );
}

/** The CSV's cells of one series, by column name. */
function csvRows(csv: string, series: string): Record<string, string>[] {
  const lines = csv.split("\r\n").filter((l) => l !== "");
  const header = (lines[0] ?? "").split(",");
  return lines.slice(1).map((l) => l.split(",")).filter((cells) => cells[0] === series).map((
    cells,
  ) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""])));
}

Deno.test("the PVG table's cells hold exactly the CSV export's values of the rounds series", async () => {
  const rounds = await benchRounds();
  assert.equal(rounds.length, 8);
  const points: SeriesPoints = {
    prover_training: [{ step: 1, helpful_reward: -0.1, sneaky_reward: -0.5 }],
    rounds,
  };
  const rows = tableRows(PVG_ROUNDS_TABLE, points);
  const csv = csvRows(seriesCsv(points), "rounds");
  assert.equal(rows.length, csv.length);
  rows.forEach((row, i) => {
    for (const cell of row) assert.equal(cell.csv, csv[i]?.[cell.key], `${cell.key} row ${i}`);
  });
  // Shown rounded: round 0 of the benchmark.
  assert.deepEqual(rows[0]?.map((c) => c.text), [
    "0",
    "0.785",
    "0.980",
    "0.371",
    "0.724",
    "0.167",
    "0.524",
    "0.650",
    "77",
  ]);
  // Round 2 never fooled the verifier: no value, an empty CSV cell, "–" on screen.
  assert.deepEqual(rows[2]?.at(-1), { key: "sneaky_fool_step", text: "–", csv: "" });
});

Deno.test("tableCell() keeps the CSV text and rounds only what it shows", () => {
  const col = { key: "x", label: "x", digits: 3 };
  assert.deepEqual(tableCell(col, 0.123456789), { key: "x", text: "0.123", csv: "0.123456789" });
  assert.deepEqual(tableCell(col, undefined), { key: "x", text: "–", csv: "" });
  assert.deepEqual(tableCell({ ...col, digits: 0 }, 91), { key: "x", text: "91", csv: "91" });
});

Deno.test("LabTables adds live rows and rebuilds a reopened run with the same cells", async () => {
  const rounds = await benchRounds();
  const { root } = fakeDocument();
  const tables = new LabTables(asElement(root));
  tables.reset("pvg");
  const table = root.all("table")[0];
  assert.equal(table?.getAttribute("data-lab-table"), "pvg_rounds");
  assert.deepEqual(
    table?.all("th").map((th) => th.getAttribute("data-key")),
    PVG_ROUNDS_TABLE.columns.map((c) => c.key),
  );
  assert.equal(table?.all("tbody")[0]?.all("tr").length, 0);
  tables.add("prover_training", { step: 1, helpful_reward: 0 });
  for (const r of rounds.slice(0, 3)) tables.add("rounds", r);
  const live = root.all("tbody")[0]?.all("tr") ?? [];
  assert.equal(live.length, 3, "one row per round, none for prover steps");
  const values = (tr: (typeof live)[number]) =>
    tr.all("td").map((td) => td.getAttribute("data-value"));
  const liveValues = live.map(values);

  tables.reset("pvg", { rounds: rounds.slice(0, 3) });
  const reopened = root.all("tbody")[0]?.all("tr") ?? [];
  assert.deepEqual(reopened.map(values), liveValues);
  const csv = csvRows(seriesCsv({ rounds: rounds.slice(0, 3) }), "rounds");
  assert.deepEqual(
    liveValues,
    csv.map((row) => PVG_ROUNDS_TABLE.columns.map((c) => row[c.key])),
  );
  assert.equal(reopened[1]?.all("td")[0]?.textContent, "1");

  tables.reset("grokking");
  assert.equal(root.all("table").length, 0, "experiments without tables show none");
});

Deno.test("the Lab tab offers a PVG table, per-round plots and a tiny preset the schema accepts", () => {
  assert.deepEqual(tablesFor("pvg").map((t) => t.id), ["pvg_rounds"]);
  assert.deepEqual(tablesFor("ntk"), []);
  const plots = PLOT_SPECS.pvg ?? [];
  assert.deepEqual(plots.map((p) => p.id), ["pvg_verifier", "pvg_provers", "pvg_rewards"]);
  assert.deepEqual(plots[0]?.y.map((y) => y.key), ["completeness", "soundness", "soundness_start"]);
  const presets = presetsFor("pvg");
  assert.equal(presets.length, 2);
  for (const p of presets) assert.equal(PvgSettings.safeParse(p.settings).success, true, p.label);
  assert.equal(PvgSettings.parse(TINY_PVG).rounds, 2);
});
