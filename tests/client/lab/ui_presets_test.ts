/** The Lab tab's presets and inlined styles. */
import assert from "node:assert/strict";
import { LAB_EXPERIMENTS, LabExperimentName } from "../../../client/lab/experiments.ts";
import { LAB_CSS } from "../../../client/ui/lab/lab_styles.ts";
import { LAB_PRESETS, presetsFor, TINY_GROKKING } from "../../../client/ui/lab/presets.ts";
import { UPLOT_CSS } from "../../../client/ui/lab/uplot_css.ts";
import { usableLanguage } from "../../../client/ui/lab/uplot_loader.ts";

Deno.test("every preset of every experiment satisfies that experiment's settings schema", () => {
  for (const name of LabExperimentName.options) {
    const presets = presetsFor(name);
    assert.ok(presets.length > 0, name);
    for (const p of presets) {
      const parsed = LAB_EXPERIMENTS[name].settings.safeParse(p.settings);
      assert.ok(
        parsed.success,
        `${name} / ${p.label}: ${parsed.success ? "" : parsed.error.message}`,
      );
    }
  }
});

Deno.test("each experiment's first preset is its schema defaults, except where a preset list says otherwise", () => {
  assert.deepEqual(presetsFor("grokking")[0]?.settings, LAB_EXPERIMENTS.grokking.defaults);
  assert.deepEqual(presetsFor("ntk")[0]?.settings, LAB_EXPERIMENTS.ntk.defaults);
  const unlisted = LabExperimentName.options.filter((n) => LAB_PRESETS[n] === undefined);
  for (const name of unlisted) {
    assert.deepEqual(presetsFor(name), [{
      label: "defaults",
      settings: LAB_EXPERIMENTS[name].defaults,
    }]);
  }
  assert.deepEqual([TINY_GROKKING.p, TINY_GROKKING.steps, TINY_GROKKING.evalEvery], [23, 200, 20]);
});

Deno.test("the inlined uPlot CSS is the installed package's stylesheet, byte for byte", async () => {
  const root = new URL("../../../", import.meta.url);
  const css = await Deno.readTextFile(new URL("node_modules/uplot/dist/uPlot.min.css", root));
  assert.equal(UPLOT_CSS, css.trim());
  assert.ok(UPLOT_CSS.includes(".uplot"));
  // The lab's own rules are scoped under .lab so they cannot restyle the chat page.
  const selectors = LAB_CSS.split("\n").filter((l) => l.includes("{")).map((l) => l.trim());
  assert.ok(
    selectors.length > 5 && selectors.every((s) => s.startsWith(".lab")),
    selectors.join("\n"),
  );
});

Deno.test("usableLanguage() keeps a valid tag and replaces an invalid one with the default", () => {
  const fallback = new Intl.NumberFormat().resolvedOptions().locale;
  assert.equal(usableLanguage("de-DE"), "de-DE");
  assert.equal(usableLanguage("en-US@posix"), fallback);
  assert.equal(usableLanguage(undefined), fallback);
  assert.doesNotThrow(() => new Intl.NumberFormat(usableLanguage("en-US@posix")));
});
