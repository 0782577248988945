import assert from "node:assert/strict";
import { LabSettingsError } from "../../../client/lab/errors.ts";
import {
  LAB_EXPERIMENTS,
  LabExperimentName,
  runLabExperiment,
} from "../../../client/lab/experiments.ts";
import { labTest, wasm } from "./lab_fixtures.ts";

Deno.test("every experiment's defaults satisfy its own settings schema and survive JSON", () => {
  for (const name of LabExperimentName.options) {
    const entry = LAB_EXPERIMENTS[name];
    const roundTrip = JSON.parse(JSON.stringify(entry.defaults));
    assert.ok(entry.settings.safeParse(roundTrip).success, name);
  }
});

Deno.test("runLabExperiment validates settings before running", async () => {
  await assert.rejects(runLabExperiment("llc", { model: { kind: "mlp" } }), LabSettingsError);
  await assert.rejects(runLabExperiment("ntk", { widths: [64] }), LabSettingsError);
});

Deno.test("runLabExperiment runs a small NTK study and returns plain JSON", labTest, async () => {
  await wasm();
  const result = await runLabExperiment("ntk", {
    widths: [16, 32],
    seeds: 1,
    points: 4,
    population: 48,
    spectrumTo: 12,
    trainSizes: [4, 8],
    trials: 1,
  }) as Record<string, unknown>;
  const copy = JSON.parse(JSON.stringify(result));
  assert.deepEqual(copy, result);
  assert.equal(result.experiment, "ntk");
  assert.ok(Number.isFinite(result.width_slope));
  assert.ok(Number.isFinite(result.spectrum_exponent));
  assert.equal((result.curves as unknown[]).length, 2);
});
