/**
 * The trained target with LoRA slot inputs (`target_lora/`): the target's weights in a graph
 * that also takes `adapter_index` [batch] and, per layer and module, `lora_A` / `lora_B`
 * (as `models/fixtures/target_lora`), sized from the exported style adapters so that all of
 * them are resident at once: one slot per adapter plus slot 0, r_max their largest rank, the
 * union of their target modules. Slot 0 computes exactly the plain target.
 *
 * @module
 */
import { z } from "zod";
import { LORA_TARGET_MODULES, LoraSlotsConfig, LoraTargetModule } from "../llama_config.ts";
import type { JobResult } from "./build_job.ts";
import { exportModelRun } from "./build_export.ts";
import type { WorldManifestEntry } from "./world_manifest.ts";

/** The `adapter_config.json` fields that size the slots. */
const PeftSizing = z.object({
  r: z.number().int().positive(),
  target_modules: z.array(LoraTargetModule).min(1),
  rank_pattern: z.record(z.string(), z.number().int().positive()).nullish(),
});

/**
 * Slot inputs that hold every adapter at once (PEFT `adapter_config.json` contents).
 *
 * @example
 * ```ts
 * loraSlotsFor([{ r: 8, target_modules: ["q_proj"] }, { r: 4, target_modules: ["v_proj"] }]);
 * // { slots: 3, r_max: 8, targets: ["q_proj", "v_proj"] }
 * ```
 */
export function loraSlotsFor(adapterConfigs: readonly unknown[]): LoraSlotsConfig {
  if (adapterConfigs.length === 0) {
    throw new RangeError("Cannot size LoRA slots as no adapter was given: current value is []");
  }
  let rMax = 0;
  const modules = new Set<LoraTargetModule>();
  for (const [i, raw] of adapterConfigs.entries()) {
    const parsed = PeftSizing.safeParse(raw);
    if (!parsed.success) {
      throw new RangeError(
        `Cannot size LoRA slots as adapter ${i}'s '${
          parsed.error.issues[0]?.path.join(".")
        }' is invalid: current value is ${JSON.stringify(raw)}`,
      );
    }
    const { r, target_modules, rank_pattern } = parsed.data;
    rMax = Math.max(rMax, r, ...Object.values(rank_pattern ?? {}));
    for (const m of target_modules) modules.add(m);
  }
  return LoraSlotsConfig.parse({
    slots: adapterConfigs.length + 1,
    r_max: rMax,
    targets: LORA_TARGET_MODULES.filter((m) => modules.has(m)),
  });
}

/**
 * Export the finished target run with LoRA slot inputs as `<out>/<name>` (default
 * `target_lora`), sized for the adapters whose folders (relative to `out`) are given;
 * returns its manifest entry (`base`: the plain model's entry name).
 *
 * @example
 * ```ts
 * await exportLoraBaseRun("models/world", "runs/forge-world/target", result, ["adapters/terse"]);
 * ```
 */
export async function exportLoraBaseRun(
  out: string,
  run: string,
  result: JobResult,
  adapterPaths: readonly string[],
  name = "target_lora",
  base = "target",
): Promise<WorldManifestEntry> {
  const adapterConfigs: unknown[] = [];
  for (const path of adapterPaths) {
    adapterConfigs.push(JSON.parse(await Deno.readTextFile(`${out}/${path}/adapter_config.json`)));
  }
  return await exportModelRun(out, name, run, result, {
    lora: loraSlotsFor(adapterConfigs),
    base,
  });
}
