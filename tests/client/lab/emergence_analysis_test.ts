import assert from "node:assert/strict";
import { analyzeEmergence } from "../../../client/lab/emergence_analysis.ts";

const curve = (llc: number[], acc: number[]) =>
  llc.map((l, i) => ({ step: i * 100, llc_mean: l, test_acc: acc[i]! }));

Deno.test("analyzeEmergence says 'before' when the LLC peaks before test accuracy rises", () => {
  const a = analyzeEmergence(
    curve([1, 3, 5, 4, 3, 2, 2], [0.02, 0.02, 0.03, 0.2, 0.6, 0.97, 0.99]),
    100,
    500,
  );
  assert.equal(a.llc_peak_step, 200);
  assert.equal(a.test_jump_onset_step, 300);
  assert.equal(a.test_half_step, 400);
  assert.equal(a.llc_fall_step, 300);
  assert.equal(a.verdict, "before");
});

Deno.test("analyzeEmergence says 'as' when the LLC peaks while test accuracy climbs", () => {
  const a = analyzeEmergence(
    curve([1, 2, 3, 5, 2, 1], [0.02, 0.02, 0.2, 0.5, 0.97, 0.99]),
    100,
    400,
  );
  assert.equal(a.verdict, "as");
});

Deno.test("analyzeEmergence needs three checkpoints and a rise in test accuracy", () => {
  assert.equal(analyzeEmergence(curve([1, 2], [0, 0]), null, null).verdict, "undetermined");
  assert.equal(
    analyzeEmergence(curve([1, 2, 3], [0.1, 0.1, 0.1]), 0, null).verdict,
    "undetermined",
  );
});
