/** Live points to uPlot columns (client/ui/lab/aligned_data.ts) and the plot specs. */
import assert from "node:assert/strict";
import { LabExperimentName } from "../../../client/lab/experiments.ts";
import { alignPlot } from "../../../client/ui/lab/aligned_data.ts";
import { genericSpec, PLOT_SPECS, specMatches } from "../../../client/ui/lab/plot_specs.ts";
import { logTicks } from "../../../client/ui/lab/plots.ts";
import { etaMs, formatDuration, progressLine } from "../../../client/ui/lab/progress_eta.ts";

const spec = (experiment: LabExperimentName, id: string) => {
  const s = PLOT_SPECS[experiment]?.find((p) => p.id === id);
  if (s === undefined) throw new Error(`no plot ${experiment}/${id}`);
  return s;
};

Deno.test("alignPlot() draws one line per y key of a named series", () => {
  const out = alignPlot(spec("grokking", "accuracy"), {
    train: [
      { step: 0, train_acc: 0.1, test_acc: 0.05 },
      { step: 10, train_acc: 0.5, test_acc: 0.07 },
    ],
    other: [{ step: 5, train_acc: 9 }],
  });
  assert.deepEqual(out, { labels: ["train", "test"], data: [[0, 10], [0.1, 0.5], [0.05, 0.07]] });
});

Deno.test("alignPlot() gives every chain its line on a shared x axis, null where it has no point", () => {
  const out = alignPlot(spec("llc", "sgld_trace"), {
    "chain 10": [{ step: 50, loss: 3 }],
    "chain 1": [{ step: 50, loss: 2 }],
    "chain 0": [{ step: 50, loss: 1 }, { step: 100, loss: 1.5 }],
  });
  assert.deepEqual(out.labels, ["chain 0", "chain 1", "chain 10"]);
  assert.deepEqual(out.data, [[50, 100], [1, 1.5], [2, null], [3, null]]);
});

Deno.test("alignPlot() leaves out values a log axis cannot show", () => {
  const out = alignPlot(spec("ntk", "learning_curve"), {
    learning_curve: [
      { n: 8, test_error: 0.5, predicted: 0 },
      { n: 0, test_error: 0.4, predicted: 0.4 },
      { n: 16, test_error: Number.NaN, predicted: 0.2 },
    ],
  });
  assert.deepEqual(out.data, [[8, 16], [0.5, null], [null, 0.2]]);
});

Deno.test("every experiment without plot specs gets a generic plot per series", () => {
  const g = genericSpec("prover training!", { step: 1, reward: 0.5, accuracy: 0.9 });
  assert.deepEqual([g.id, g.x, g.y.map((y) => y.key)], ["prover_training_", "step", [
    "reward",
    "accuracy",
  ]]);
  assert.ok(specMatches(g, "prover training!") && !specMatches(g, "rounds"));
  const noStep = genericSpec("table", { index: 1, truth: 2 });
  assert.equal(noStep.x, "index");
  for (const name of ["grokking", "llc", "llc_table", "emergence", "ntk"] as const) {
    assert.ok((PLOT_SPECS[name]?.length ?? 0) > 0, name);
  }
  assert.ok(LabExperimentName.options.length >= 5);
});

Deno.test("the ETA extrapolates the elapsed time and formats it for people", () => {
  assert.equal(etaMs(0, 1000), null);
  assert.equal(etaMs(0.25, 3000), 9000);
  assert.equal(etaMs(1, 3000), 0);
  assert.equal(formatDuration(44_600), "45 s");
  assert.equal(formatDuration(185_000), "3 min 05 s");
  assert.equal(formatDuration(3_720_000), "1 h 02 min");
  assert.equal(progressLine(0.5, 30_000), "50% · 30 s left");
  assert.equal(progressLine(0, 30_000), "0%");
});

Deno.test("log-axis ticks read as plain numbers in [0.01, 10^4), else as powers, blank for gaps", () => {
  const u = undefined as unknown as Parameters<typeof logTicks>[0];
  assert.deepEqual(logTicks(u, [null, 1e-5, 0.01, 0.1, 1, 250, 1e4, Number.NaN]), [
    "",
    "1e-5",
    "0.01",
    "0.1",
    "1",
    "250",
    "1e+4",
    "",
  ]);
});
