/**
 * The LoRA fixtures: `target_lora` (the fixture target's seed and architecture, plus LoRA slot
 * inputs on all seven projections: 4 slots with slot 0, r_max 8), and seeded PEFT adapters
 * under `adapters/<name>/` covering plain scaling, rsLoRA, rank_pattern / alpha_pattern and
 * partial target lists. `lora_manifest.json` lists every file with its sha256. Because the
 * base weights are the target's, slot 0 of `target_lora` computes exactly the `target` model.
 *
 * @module
 */
import { fixtureSpecs, fixtureTokenizer } from "./fixtures.ts";
import { type LlamaConfig, LORA_TARGET_MODULES, parseLlamaConfig } from "./llama_config.ts";
import {
  type ForgedLoraAdapter,
  forgeLoraAdapter,
  loraAdapterFiles,
  type LoraAdapterSpec,
} from "./lora_adapter.ts";
import { type FileSet, jsonBytes } from "./model_folder.ts";
import { forgeModelSet } from "./model_set.ts";
import { sha256Hex } from "./manifest.ts";
import { initLlamaWeights, type LlamaWeights } from "./weights.ts";

/** Resident slots of the fixture, slot 0 included (3 adapters at a time). */
export const LORA_FIXTURE_SLOTS = 4;
/** Largest adapter rank the fixture accepts. */
export const LORA_FIXTURE_R_MAX = 8;

/** The seeded fixture adapters (more than the fixture's slots, for eviction tests). */
export const LORA_FIXTURE_ADAPTERS: readonly LoraAdapterSpec[] = [
  { name: "alpha", seed: 11, r: 4, lora_alpha: 8, target_modules: [...LORA_TARGET_MODULES] },
  {
    name: "beta",
    seed: 12,
    r: 8,
    lora_alpha: 16,
    use_rslora: true,
    target_modules: ["q_proj", "k_proj", "v_proj", "o_proj"],
  },
  {
    name: "gamma",
    seed: 13,
    r: 4,
    lora_alpha: 4,
    target_modules: ["q_proj", "v_proj", "up_proj", "down_proj"],
    rank_pattern: { "v_proj": 2, "layers.1.mlp.up_proj": 8 },
    alpha_pattern: { "down_proj": 12 },
  },
  { name: "delta", seed: 14, r: 2, lora_alpha: 2, target_modules: ["gate_proj", "up_proj"] },
  { name: "epsilon", seed: 15, r: 1, lora_alpha: 3, target_modules: ["o_proj", "down_proj"] },
];

/** The LoRA base model: config, weights and its seeded adapters. */
export interface LoraFixture {
  readonly config: LlamaConfig;
  readonly weights: LlamaWeights;
  readonly adapters: readonly ForgedLoraAdapter[];
}

/**
 * Build the LoRA fixture in memory.
 *
 * @example
 * ```ts
 * const { config, adapters } = loraFixture();
 * ```
 */
export function loraFixture(): LoraFixture {
  const target = fixtureSpecs(fixtureTokenizer()).find((s) => s.name === "target")!;
  const config = parseLlamaConfig({
    ...target.config,
    lora: {
      slots: LORA_FIXTURE_SLOTS,
      r_max: LORA_FIXTURE_R_MAX,
      targets: [...LORA_TARGET_MODULES],
    },
  });
  const weights = initLlamaWeights(config, target.seed);
  const adapters = LORA_FIXTURE_ADAPTERS.map((spec) => forgeLoraAdapter(config, spec));
  return { config, weights, adapters };
}

/**
 * Forge the LoRA fixture files: `target_lora/...`, `adapters/<name>/...` and
 * `lora_manifest.json`.
 *
 * @example
 * ```ts
 * await writeFileSet("models/fixtures", await forgeLoraFixtureFiles());
 * ```
 */
export async function forgeLoraFixtureFiles(): Promise<FileSet> {
  const { config, weights, adapters } = loraFixture();
  const set = await forgeModelSet(
    [{ name: "target_lora", config, weights }],
    fixtureTokenizer(),
    false,
  );
  const files: FileSet = new Map([...set.files].filter(([path]) => path !== "manifest.json"));
  const adapterEntries = [];
  for (const adapter of adapters) {
    const entryFiles = [];
    for (const [path, bytes] of loraAdapterFiles(adapter)) {
      files.set(`adapters/${path}`, bytes);
      entryFiles.push({
        path: `adapters/${path}`,
        sha256: await sha256Hex(bytes),
        bytes: bytes.length,
      });
    }
    adapterEntries.push({
      name: adapter.name,
      path: `adapters/${adapter.name}`,
      files: entryFiles,
    });
  }
  files.set("lora_manifest.json", jsonBytes({ ...set.manifest, adapters: adapterEntries }));
  return files;
}
