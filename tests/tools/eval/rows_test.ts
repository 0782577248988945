/**
 * Rows and gains: values in points, the gain equals the difference of the two means, and the
 * paired test is McNemar for 0/1 outcomes and sign-flip for real scores.
 *
 * @module
 */
import assert from "node:assert/strict";
import { meanRow, missingRow, pairedGain, pointsRow } from "../../../tools/eval/rows.ts";
import { mcnemarPaired, signFlipTest } from "../../../tools/eval/stats.ts";

const KEY = { section: "s", set: "x", method: "m", metric: "accuracy" };

Deno.test("pointsRow() reports the mean in points with its interval around it", () => {
  const row = pointsRow(KEY, [1, 0, 1, 1], 7, "why");
  assert.equal(row.value, 75);
  assert.equal(row.n, 4);
  assert.equal(row.note, "why");
  assert.ok(row.ci95 !== undefined && row.ci95[0] <= 75 && row.ci95[1] >= 75, `${row.ci95}`);
  assert.equal(pointsRow(KEY, [], 7).ci95, undefined);
});

Deno.test("meanRow() keeps plain units and missingRow() has n 0", () => {
  assert.equal(meanRow({ ...KEY, metric: "items" }, [2, 4], 1).value, 3);
  const missing = missingRow(KEY, "target_lora missing");
  assert.equal(missing.n, 0);
  assert.equal(missing.note, "target_lora missing");
});

Deno.test("pairedGain() is the difference of the means with McNemar on 0/1 outcomes", () => {
  const method = [1, 1, 1, 1, 1, 0, 1, 0];
  const baseline = [0, 0, 0, 1, 0, 0, 1, 1];
  const g = pairedGain(method, baseline, 3);
  assert.equal(g.points, 100 * (6 / 8 - 3 / 8));
  assert.equal(g.n, 8);
  assert.equal(g.p_value, mcnemarPaired(method, baseline));
  assert.ok(g.ci95[0] <= g.points && g.points <= g.ci95[1]);
});

Deno.test("pairedGain() uses the sign-flip test for real-valued scores", () => {
  const method = [0.5, 1, 0.25, 0.75];
  const baseline = [0, 0.5, 0.25, 0.5];
  const g = pairedGain(method, baseline, 3);
  assert.equal(g.points, 100 * (2.5 / 4 - 1.25 / 4));
  assert.equal(g.p_value, signFlipTest(method, baseline, { seed: 3 }));
  assert.equal(g.p_value, 0.25);
});
