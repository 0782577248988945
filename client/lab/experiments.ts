/**
 * The lab's public edge for a UI: every experiment by name, with its zod settings schema, its
 * default settings and its run function. A Lab tab picks a name, edits the defaults in a form
 * validated by `settings`, calls `runLabExperiment` with an AbortSignal and a progress callback
 * (series points arrive through `LabProgress.point`), and stores the JSON result.
 *
 * @example
 * ```ts
 * await initLabDevice("auto"); // WebGPU in a browser, wasm under Deno
 * const controller = new AbortController();
 * const result = await runLabExperiment("grokking", LAB_EXPERIMENTS.grokking.defaults, {
 *   signal: controller.signal,
 *   onProgress: (p) => plot(p.series, p.point),
 * });
 * ```
 *
 * @module
 */
import { z } from "zod";
import { EmergenceSettings, runEmergence } from "./emergence.ts";
import { LabSettingsError } from "./errors.ts";
import type { RunOptions } from "./experiment.ts";
import { runGrokking } from "./grokking.ts";
import { GROKKING_PRESETS, GrokkingSettings } from "./grokking_settings.ts";
import { LlcSettings, runLlc } from "./llc/llc_experiment.ts";
import { LLC_TABLE_MODELS, runLlcTable } from "./llc/llc_table.ts";
import { NtkSettings, runNtk } from "./ntk/ntk_experiment.ts";
import { runPvg } from "./pvg/pvg_experiment.ts";
import { PvgSettings } from "./pvg/pvg_settings.ts";

const LlcTableSettings = LlcSettings.omit({ model: true }).extend({
  models: z.array(LlcSettings.shape.model).min(1).default(LLC_TABLE_MODELS),
});

/** Every experiment: title, settings schema, defaults and runner. */
export const LAB_EXPERIMENTS = {
  grokking: {
    title: "Grokking (modular arithmetic)",
    settings: GrokkingSettings,
    defaults: GrokkingSettings.parse(GROKKING_PRESETS.quick),
    run: (s: z.input<typeof GrokkingSettings>, o: RunOptions) => runGrokking(s, o),
  },
  llc: {
    title: "Learning coefficient (SGLD) vs ground truth",
    settings: LlcSettings,
    defaults: LlcSettings.parse({ model: { kind: "dln", widths: [5, 3, 5], rank: 0 } }),
    run: (s: z.input<typeof LlcSettings>, o: RunOptions) => runLlc(s, o),
  },
  llc_table: {
    title: "Learning coefficient table (deep linear networks, normal crossings)",
    settings: LlcTableSettings,
    defaults: LlcTableSettings.parse({}),
    run: ({ models, ...base }: z.infer<typeof LlcTableSettings>, o: RunOptions) =>
      runLlcTable(base, models, o),
  },
  emergence: {
    title: "Emergence: LLC along a grokking run",
    settings: EmergenceSettings,
    defaults: EmergenceSettings.parse({}),
    run: (s: z.input<typeof EmergenceSettings>, o: RunOptions) => runEmergence(s, o),
  },
  ntk: {
    title: "Neural tangent kernel: width, spectrum, learning curves",
    settings: NtkSettings,
    defaults: NtkSettings.parse({}),
    run: (s: z.input<typeof NtkSettings>, o: RunOptions) => runNtk(s, o),
  },
  pvg: {
    title: "Prover-verifier game (helpful and sneaky provers, SRC reward)",
    settings: PvgSettings,
    defaults: PvgSettings.parse({}),
    run: (s: z.input<typeof PvgSettings>, o: RunOptions) => runPvg(s, o),
  },
} as const;

/** Name of an experiment. */
export const LabExperimentName = z.enum([
  "grokking",
  "llc",
  "llc_table",
  "emergence",
  "ntk",
  "pvg",
]);
/** Name of an experiment. */
export type LabExperimentName = z.infer<typeof LabExperimentName>;

/** Validate `settings` against the experiment's schema and run it. */
export async function runLabExperiment(
  name: LabExperimentName,
  settings: unknown,
  options: RunOptions = {},
): Promise<unknown> {
  const entry = LAB_EXPERIMENTS[name];
  const parsed = entry.settings.safeParse(settings);
  if (!parsed.success) throw new LabSettingsError(`Cannot run ${name}: ${parsed.error.message}`);
  // The schema and runner of one entry agree; TypeScript cannot correlate them through `name`.
  const run = entry.run as (s: unknown, o: RunOptions) => Promise<unknown>;
  return await run(parsed.data, options);
}
