/**
 * The Lab tab's text exports: the CSV writer (RFC 4180 quoting, long format over every series)
 * and the run JSON.
 */
import assert from "node:assert/strict";
import { csvCell, seriesCsv, toCsv } from "../../../client/ui/lab/csv.ts";
import { exportName, RUN_JSON_FORMAT, runJson } from "../../../client/ui/lab/exports.ts";
import { newRunRecord } from "../../../client/ui/lab/run_record.ts";

/** A small RFC 4180 reader for the round trip (quoted fields, doubled quotes, CRLF rows). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  return rows;
}

Deno.test("csvCell() quotes commas, quotes and line breaks and leaves plain values alone", () => {
  assert.equal(csvCell("chain 0"), "chain 0");
  assert.equal(csvCell('say "hi", then'), '"say ""hi"", then"');
  assert.equal(csvCell("a\nb"), '"a\nb"');
  assert.equal(csvCell(1e-8), "1e-8");
  assert.equal(csvCell(Number.NaN), "NaN");
  assert.equal(csvCell(null), "");
  assert.equal(toCsv([["a", 1], ["b", null]]), "a,1\r\nb,\r\n");
});

Deno.test("seriesCsv() writes one row per point under the union of keys, blanks where absent", () => {
  const csv = seriesCsv({
    "chain 0": [{ step: 50, loss: 1.25 }, { step: 100, loss: 1.5 }],
    "chain, 1": [{ step: 50, loss: 2, accept: 0.9 }],
  });
  assert.equal(
    csv,
    'series,step,loss,accept\r\nchain 0,50,1.25,\r\nchain 0,100,1.5,\r\n"chain, 1",50,2,0.9\r\n',
  );
  const rows = parseCsv(csv);
  assert.deepEqual(rows[3], ["chain, 1", "50", "2", "0.9"]);
  assert.equal(seriesCsv({}), "series\r\n");
});

Deno.test("seriesCsv() keeps every number exactly (parsing the CSV gives the same floats)", () => {
  const points = { train: [{ step: 0, train_loss: 0.1 + 0.2, test_acc: 1 / 3 }] };
  const [, row] = parseCsv(seriesCsv(points));
  assert.deepEqual(row?.slice(1).map(Number), [0, 0.1 + 0.2, 1 / 3]);
});

Deno.test("runJson() carries settings, device, result and series, with NaN as null", () => {
  const r = newRunRecord("grokking", { p: 23 }, "auto", Date.UTC(2026, 0, 2, 3, 4, 5));
  r.id = 7;
  r.device = "wasm";
  r.fallbackReason = "navigator.gpu is missing";
  r.status = "done";
  r.finishedAt = Date.UTC(2026, 0, 2, 3, 5, 0);
  r.points = { train: [{ step: 0, x: Number.NaN }] };
  r.result = { grok_step: null, memorization_step: 120 };
  const json = JSON.parse(runJson(r));
  assert.deepEqual(json, {
    format: RUN_JSON_FORMAT,
    id: 7,
    experiment: "grokking",
    status: "done",
    requested_device: "auto",
    device: "wasm",
    fallback_reason: "navigator.gpu is missing",
    started_at: "2026-01-02T03:04:05.000Z",
    finished_at: "2026-01-02T03:05:00.000Z",
    settings: { p: 23 },
    error: null,
    result: { grok_step: null, memorization_step: 120 },
    series: { train: [{ step: 0, x: null }] },
  });
  assert.equal(exportName(r, "png", "loss"), "verity-lab-grokking-7-loss.png");
  assert.equal(
    exportName({ ...r, id: undefined } as typeof r, "csv"),
    "verity-lab-grokking-unsaved.csv",
  );
});
