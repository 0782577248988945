/**
 * Checks the two files of a PEFT LoRA adapter before the store keeps them: the config against
 * the zod schema of adapter_config.json, the weights' safetensors header (key names, A/B pairs,
 * shapes consistent with `r` and `rank_pattern`), and rejects what Verity cannot serve (DoRA,
 * embedding adapters, modules_to_save, Conv1D layouts, other PEFT types). Whether the ranks and modules fit a base model is
 * checked later, against that model, by the engine.
 *
 * @module
 */
import { PeftAdapterConfig } from "../peft/peft_config.ts";
import { AdapterImportError } from "./errors.ts";
import { parseSafetensorsHeader, type SafetensorsTensorEntry } from "../safetensors_header.ts";

/** What the store records about a valid adapter (the fields of its metadata row). */
export interface AdapterSummary {
  readonly config: PeftAdapterConfig;
  readonly peftType: string;
  readonly r: number;
  readonly loraAlpha: number;
  /** Short names of the modules the weights adapt (e.g. "q_proj"), sorted. */
  readonly targetModules: string[];
  readonly useRslora: boolean;
  readonly rankPattern: Record<string, number>;
  readonly baseModel: string | null;
}

// base_model.model.<module path>.lora_A.weight, e.g. module path model.layers.3.self_attn.q_proj
const LORA_KEY = /^base_model\.model\.(.+\.layers\.\d+\..+)\.lora_([AB])\.weight$/;
const KEY_SHAPE = "base_model.model.model.layers.N.<module>.lora_A.weight or .lora_B.weight";

/** A `Cannot import adapter 'name' as ...` error. */
function reject(name: string, why: string): AdapterImportError {
  return new AdapterImportError(`Cannot import adapter '${name}' as ${why}`);
}

/** Parse adapter_config.json text with the PEFT schema; throws AdapterImportError. */
export function parseAdapterConfig(name: string, text: string): PeftAdapterConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new AdapterImportError(
      `Cannot import adapter '${name}' as adapter_config.json must be JSON: ${
        (cause as Error).message
      }`,
      { cause },
    );
  }
  const parsed = PeftAdapterConfig.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `'${issue.path.join(".")}'` : "the file";
    throw reject(name, `adapter_config.json is invalid: ${where} ${issue?.message ?? ""}`.trim());
  }
  const config = parsed.data;
  if (config.peft_type !== "LORA") {
    throw reject(name, `'peft_type' must be "LORA": current value is "${config.peft_type}"`);
  }
  if (config.use_dora) {
    throw reject(name, "DoRA adapters are not supported: 'use_dora' is true");
  }
  if (config.fan_in_fan_out) {
    throw reject(name, "fan_in_fan_out (Conv1D) adapters are not supported: it is true");
  }
  if (config.modules_to_save !== null && config.modules_to_save.length > 0) {
    throw reject(
      name,
      `fully trained modules are not supported: 'modules_to_save' must be empty: current value is ${
        JSON.stringify(config.modules_to_save)
      }`,
    );
  }
  return config;
}

/** PEFT's rule: a pattern key matches a module path when the path ends with it. */
function patternRank(config: PeftAdapterConfig, modulePath: string): number {
  for (const [key, rank] of Object.entries(config.rank_pattern)) {
    try {
      if (new RegExp(`(.*\\.)?(${key})$`).test(modulePath)) return rank;
    } catch {
      if (modulePath === key || modulePath.endsWith(`.${key}`)) return rank;
    }
  }
  return config.r;
}

/** PEFT's rule: a list entry matches by suffix, a string is a regex matched in full. */
function isTargeted(name: string, config: PeftAdapterConfig, modulePath: string): boolean {
  const targets = config.target_modules;
  if (Array.isArray(targets)) {
    return targets.some((t) => modulePath === t || modulePath.endsWith(`.${t}`));
  }
  try {
    return new RegExp(`^(?:${targets})$`).test(modulePath);
  } catch {
    throw reject(name, `'target_modules' must be a valid regex: current value is "${targets}"`);
  }
}

function checkKey(name: string, key: string): never {
  if (/lora_embedding_[AB]/.test(key)) {
    throw reject(name, `embedding adapters are not supported: tensor '${key}' is an embedding`);
  }
  if (key.includes("lora_magnitude_vector")) {
    throw reject(name, `DoRA adapters are not supported: tensor '${key}' is a DoRA magnitude`);
  }
  throw reject(name, `tensor '${key}' is not a LoRA weight: keys must look like ${KEY_SHAPE}`);
}

function checkShape(
  name: string,
  key: string,
  entry: SafetensorsTensorEntry,
  expect: (shape: readonly number[]) => boolean,
  wanted: string,
): void {
  if (entry.shape.length !== 2 || !expect(entry.shape) || entry.shape.includes(0)) {
    throw reject(
      name,
      `tensor '${key}' must have shape ${wanted}: current value is [${entry.shape}]`,
    );
  }
}

/**
 * Validate adapter files and summarize them; throws AdapterImportError naming the adapter and
 * the problem.
 *
 * @example
 * ```ts
 * const summary = validateAdapter("my-lora", configText, weights);
 * summary.targetModules; // ["q_proj", "v_proj"]
 * ```
 */
export function validateAdapter(
  name: string,
  configText: string,
  weights: Uint8Array,
): AdapterSummary {
  const config = parseAdapterConfig(name, configText);
  const header = parseSafetensorsHeader(weights);
  if (!header.ok) throw reject(name, `adapter_model.safetensors is malformed: ${header.reason}`);
  // module path -> its A and B entries
  const pairs = new Map<string, { A?: SafetensorsTensorEntry; B?: SafetensorsTensorEntry }>();
  for (const [key, entry] of header.header.tensors) {
    const m = LORA_KEY.exec(key);
    if (m === null) checkKey(name, key);
    const modulePath = m[1]!;
    const pair = pairs.get(modulePath) ?? {};
    pair[m[2] as "A" | "B"] = entry;
    pairs.set(modulePath, pair);
  }
  if (pairs.size === 0) throw reject(name, "adapter_model.safetensors holds no LoRA weights");
  const modules = new Set<string>();
  for (const [modulePath, { A, B }] of pairs) {
    const prefix = `base_model.model.${modulePath}`;
    if (A === undefined || B === undefined) {
      const [has, lacks] = A === undefined ? ["lora_B", "lora_A"] : ["lora_A", "lora_B"];
      throw reject(name, `module '${modulePath}' has ${has} but no ${lacks} weight`);
    }
    if (!isTargeted(name, config, modulePath)) {
      throw reject(
        name,
        `tensor '${prefix}.lora_A.weight' adapts a module 'target_modules' does not list: current value is ${
          JSON.stringify(config.target_modules)
        }`,
      );
    }
    const r = patternRank(config, modulePath);
    const rankNote = r === config.r ? `r = ${r}` : `rank_pattern gives r = ${r}`;
    checkShape(name, `${prefix}.lora_A.weight`, A, (s) => s[0] === r, `[${r}, in] (${rankNote})`);
    checkShape(name, `${prefix}.lora_B.weight`, B, (s) => s[1] === r, `[out, ${r}] (${rankNote})`);
    modules.add(modulePath.slice(modulePath.lastIndexOf(".") + 1));
  }
  return {
    config,
    peftType: config.peft_type,
    r: config.r,
    loraAlpha: config.lora_alpha,
    targetModules: [...modules].sort(),
    useRslora: config.use_rslora,
    rankPattern: config.rank_pattern,
    baseModel: config.base_model_name_or_path,
  };
}
