/**
 * The markdown tables pasted into ARCHITECTURE.md.
 *
 * @module
 */
import assert from "node:assert/strict";
import { gainsTable, rowsTable } from "../../../tools/eval/table.ts";

Deno.test("rowsTable() prints points with one decimal, plain metrics with three, missing rows as such", () => {
  const table = rowsTable([
    {
      section: "s2a",
      set: "opinionated",
      method: "baseline",
      metric: "accuracy",
      n: 300,
      value: 41.6667,
      ci95: [36, 47.3333],
    },
    {
      section: "speculative",
      set: "chat",
      method: "draft",
      metric: "alpha",
      n: 300,
      value: 0.81234,
    },
    {
      section: "styles",
      set: "terse",
      method: "base",
      metric: "style",
      n: 0,
      value: null,
      note: "target_lora missing",
    },
  ]);
  assert.equal(
    table,
    [
      "| section | set | method | metric | n | value | 95% CI | note |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
      "| s2a | opinionated | baseline | accuracy | 300 | 41.7 | 36.0 .. 47.3 |  |",
      "| speculative | chat | draft | alpha | 300 | 0.812 |  |  |",
      "| styles | terse | base | style | 0 | not measured |  | target_lora missing |",
    ].join("\n"),
  );
});

Deno.test("gainsTable() prints points, interval, p-value and the paper's figure", () => {
  const table = gainsTable({
    s2a_gain_opinionated: { points: 12.5, n: 300, ci95: [7.25, 18], p_value: 0.000012 },
    other: { points: -1, n: 10, ci95: [-3, 1], p_value: 0.5 },
  });
  const lines = table.split("\n");
  assert.match(
    lines[2]!,
    /^\| s2a_gain_opinionated \| 12\.5 \| 7\.3 \.\. 18\.0 \| 1\.2e-5 \| 300 \| LLaMA-2-70B-chat/,
  );
  assert.equal(lines[3], "| other | -1.0 | -3.0 .. 1.0 | 0.5000 | 10 |  |");
});
