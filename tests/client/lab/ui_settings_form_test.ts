/**
 * The Lab tab's settings form logic (client/ui/lab/settings_fields.ts, settings_values.ts):
 * fields generated from each experiment's zod schema, texts read back into validated settings,
 * errors mapped onto the fields they belong to.
 */
import assert from "node:assert/strict";
import { LAB_EXPERIMENTS, LabExperimentName } from "../../../client/lab/experiments.ts";
import { GROKKING_PRESETS, GrokkingSettings } from "../../../client/lab/grokking_settings.ts";
import { LlcSettings } from "../../../client/lab/llc/llc_experiment.ts";
import { NtkSettings } from "../../../client/lab/ntk/ntk_experiment.ts";
import { settingsFields } from "../../../client/ui/lab/settings_fields.ts";
import { ownerKey, parseLeaf, readSettings } from "../../../client/ui/lab/settings_values.ts";

const texts = (fields: ReturnType<typeof settingsFields>) =>
  Object.fromEntries(fields.map((f) => [f.key, f.raw]));

Deno.test("settingsFields() lists every leaf of the grokking schema with its kind and value", () => {
  const fields = settingsFields(GrokkingSettings, GROKKING_PRESETS.quick);
  const byKey = new Map(fields.map((f) => [f.key, f]));
  assert.deepEqual(
    [byKey.get("p")?.kind, byKey.get("p")?.raw, byKey.get("p")?.optional],
    ["integer", "59", false],
  );
  assert.deepEqual(byKey.get("op")?.options, ["", "add", "sub", "mul"]);
  assert.equal(byKey.get("model.kind")?.kind, "const");
  assert.equal(byKey.get("model.kind")?.raw, "mlp");
  assert.equal(byKey.get("model.width")?.raw, "256");
  assert.equal(byKey.get("optimizer.lr")?.raw, "0.003");
  // Defaults show as placeholders when the preset leaves a field out.
  assert.deepEqual([byKey.get("optimizer.beta2")?.raw, byKey.get("optimizer.beta2")?.placeholder], [
    "",
    "0.98",
  ]);
  assert.equal(byKey.get("batchSize")?.optional, true);
  // The transformer's fields are absent: the union member follows the preset's kind.
  assert.equal(byKey.has("model.dModel"), false);
});

Deno.test("settingsFields() follows the union member of the value's kind", () => {
  const nanda = new Set(settingsFields(GrokkingSettings, GROKKING_PRESETS.nanda).map((f) => f.key));
  assert.ok(nanda.has("model.dModel") && nanda.has("model.heads") && !nanda.has("model.width"));
  const poly = settingsFields(LlcSettings, { model: { kind: "poly", powers: [1, 2] } });
  const powers = poly.find((f) => f.key === "model.powers");
  assert.deepEqual([powers?.kind, powers?.raw], ["numbers", "1, 2"]);
  assert.equal(poly.some((f) => f.key === "model.rank"), false);
  // Optional sampler overrides all appear, empty.
  const eps = poly.find((f) => f.key === "sgld.eps");
  assert.deepEqual([eps?.raw, eps?.optional], ["", true]);
});

Deno.test("untouched fields read back to settings equal to the preset after parsing", () => {
  for (const preset of [GROKKING_PRESETS.quick, GROKKING_PRESETS.nanda]) {
    const fields = settingsFields(GrokkingSettings, preset);
    const reading = readSettings(GrokkingSettings, fields, texts(fields));
    assert.ok(reading.ok, JSON.stringify(reading));
    assert.deepEqual(GrokkingSettings.parse(reading.settings), GrokkingSettings.parse(preset));
  }
  const ntk = settingsFields(NtkSettings, LAB_EXPERIMENTS.ntk.defaults);
  const r = readSettings(NtkSettings, ntk, texts(ntk));
  assert.ok(r.ok);
  assert.deepEqual(NtkSettings.parse(r.settings), LAB_EXPERIMENTS.ntk.defaults);
});

Deno.test("edited texts become typed settings: numbers, lists, choices and omitted optionals", () => {
  const fields = settingsFields(NtkSettings, LAB_EXPERIMENTS.ntk.defaults);
  const reading = readSettings(NtkSettings, fields, {
    ...texts(fields),
    widths: "16 ,32,64",
    seeds: "2",
    ridge: "1e-4",
    dtype: "",
  });
  assert.ok(reading.ok);
  const s = NtkSettings.parse(reading.settings);
  assert.deepEqual([s.widths, s.seeds, s.ridge, s.dtype], [[16, 32, 64], 2, 1e-4, undefined]);
});

Deno.test("readSettings() puts zod's complaints next to the field that caused them", () => {
  const fields = settingsFields(GrokkingSettings, GROKKING_PRESETS.quick);
  const reading = readSettings(GrokkingSettings, fields, { ...texts(fields), p: "2" });
  assert.equal(reading.ok, false);
  assert.ok(
    !reading.ok && /^Cannot use 'p': .*3/.test(reading.errors.p ?? ""),
    JSON.stringify(reading),
  );
  const lr = readSettings(GrokkingSettings, fields, { ...texts(fields), "optimizer.lr": "-1" });
  assert.ok(!lr.ok && Object.keys(lr.errors).join() === "optimizer.lr");
});

Deno.test("readSettings() refuses unreadable texts before validating", () => {
  const fields = settingsFields(GrokkingSettings, GROKKING_PRESETS.quick);
  const reading = readSettings(GrokkingSettings, fields, {
    ...texts(fields),
    steps: "1.5",
    "optimizer.lr": "fast",
    p: "",
  });
  assert.ok(!reading.ok);
  assert.deepEqual(Object.keys(reading.errors).sort(), ["optimizer.lr", "p", "steps"]);
  assert.equal(
    reading.errors["optimizer.lr"],
    `Cannot read 'optimizer.lr' as it must be a finite number: current value is "fast"`,
  );
  assert.equal(
    reading.errors.p,
    "Cannot read 'p' as it is required: current value is empty",
  );
});

Deno.test("parseLeaf() reads lists, booleans, choices and JSON, and rejects bad ones", () => {
  const base = { path: ["x"], key: "x", optional: false, raw: "" } as const;
  assert.deepEqual(parseLeaf({ ...base, kind: "numbers" }, "1, 2 3"), {
    ok: true,
    value: [1, 2, 3],
  });
  assert.equal(parseLeaf({ ...base, kind: "numbers" }, "1, a").ok, false);
  assert.deepEqual(parseLeaf({ ...base, kind: "boolean" }, "false"), { ok: true, value: false });
  assert.equal(parseLeaf({ ...base, kind: "enum", options: ["a", "b"] }, "c").ok, false);
  assert.deepEqual(parseLeaf({ ...base, kind: "json" }, '[{"k":1}]'), {
    ok: true,
    value: [{ k: 1 }],
  });
  assert.equal(parseLeaf({ ...base, kind: "json" }, "[{").ok, false);
  assert.deepEqual(parseLeaf({ ...base, kind: "integer", optional: true }, "  "), {
    ok: true,
    skip: true,
  });
});

Deno.test("the llc_table models list is edited as JSON and validated as models", () => {
  const schema = LAB_EXPERIMENTS.llc_table.settings;
  const fields = settingsFields(schema, LAB_EXPERIMENTS.llc_table.defaults);
  const models = fields.find((f) => f.key === "models");
  assert.equal(models?.kind, "json");
  const ok = readSettings(schema, fields, {
    ...texts(fields),
    models: '[{"kind":"poly","powers":[1]}]',
  });
  assert.ok(ok.ok);
  assert.deepEqual((ok.settings as { models: unknown }).models, [{ kind: "poly", powers: [1] }]);
  const bad = readSettings(schema, fields, { ...texts(fields), models: '[{"kind":"cubic"}]' });
  assert.ok(!bad.ok && bad.errors.models !== undefined, JSON.stringify(bad));
});

Deno.test("ownerKey() maps an issue path to the longest field path that prefixes it", () => {
  const fields = settingsFields(LlcSettings, LAB_EXPERIMENTS.llc.defaults);
  assert.equal(ownerKey(fields, ["model", "widths", 1]), "model.widths");
  assert.equal(ownerKey(fields, ["sgld", "eps"]), "sgld.eps");
  assert.equal(ownerKey(fields, []), "");
});

Deno.test("every experiment's form, left untouched, reads back to settings its schema accepts", () => {
  for (const name of LabExperimentName.options) {
    const { settings: schema, defaults } = LAB_EXPERIMENTS[name];
    const fields = settingsFields(schema, defaults);
    assert.ok(fields.length > 0, name);
    const reading = readSettings(schema, fields, texts(fields));
    assert.ok(reading.ok, `${name}: ${JSON.stringify(reading)}`);
    assert.deepEqual(schema.parse(reading.settings), defaults, name);
  }
});
