/**
 * Reads a PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors, Hugging Face key
 * names) and validates it against a base model's LoRA slots. Each adapted module comes out
 * with its rank, its scaling (lora_alpha / r, or lora_alpha / sqrt(r) with rsLoRA;
 * rank_pattern and alpha_pattern override per module), A [r, in] and B [out, r]. What Verity
 * cannot serve is rejected with an {@link AdapterError} that names the problem: DoRA, embedding
 * adapters, ranks over r_max, modules the base model has no slots for, wrong shapes, bias
 * terms, modules_to_save, malformed files.
 *
 * @module
 */
import { AdapterError } from "../../engine/errors.ts";
import { LORA_MODULES, type LoraModule, type LoraSpec } from "../../engine/lora/lora_spec.ts";
import type { PeftAdapterFiles } from "../source.ts";
import { PeftAdapterConfig } from "./peft_config.ts";
import { type AdapterTensor, readAdapterSafetensors } from "./safetensors.ts";

/** One adapted module of one layer. */
export interface LoraModuleWeights {
  readonly layer: number;
  readonly module: LoraModule;
  readonly rank: number;
  /** lora_alpha / rank (or / sqrt(rank) with rsLoRA), per-module patterns applied. */
  readonly scaling: number;
  /** [rank, in] */
  readonly a: Float32Array;
  /** [out, rank] */
  readonly b: Float32Array;
}

/** A validated adapter, ready to be written into a slot. */
export interface LoraAdapterWeights {
  readonly config: PeftAdapterConfig;
  readonly modules: readonly LoraModuleWeights[];
}

const KEY =
  /^base_model\.model\.model\.layers\.(\d+)\.(self_attn|mlp)\.(\w+)\.lora_(A|B)(?:\.default)?\.weight$/;
const EMBEDDING_MODULES = ["embed_tokens", "lm_head", "wte", "word_embeddings"];

const reject = (why: string) => new AdapterError(`Cannot load adapter as ${why}`);

/** PEFT's get_pattern_key: the first pattern key matching the end of the module name. */
function patternValue(pattern: Record<string, number>, module: string): number | undefined {
  for (const [key, value] of Object.entries(pattern)) {
    let re: RegExp;
    try {
      re = new RegExp(`^(.*\\.)?(${key})$`);
    } catch {
      throw reject(`pattern key '${key}' must be a valid regular expression`);
    }
    if (re.test(module)) return value;
  }
  return undefined;
}

function parseConfig(raw: unknown): PeftAdapterConfig {
  const parsed = PeftAdapterConfig.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || "(root)";
    throw reject(`adapter_config.json '${field}' ${issue?.message ?? "is invalid"}`);
  }
  const c = parsed.data;
  if (c.peft_type !== "LORA") {
    throw reject(`'peft_type' must be "LORA": current value is "${c.peft_type}"`);
  }
  if (c.use_dora) {
    throw reject("DoRA adapters are not supported: current value of 'use_dora' is true");
  }
  if (c.fan_in_fan_out) {
    throw reject(
      "'fan_in_fan_out' must be false (Conv1D layouts are not supported): current value is true",
    );
  }
  if (c.bias !== "none") {
    throw reject(
      `'bias' must be "none" (LoRA bias terms are not supported): current value is "${c.bias}"`,
    );
  }
  if (c.modules_to_save !== null && c.modules_to_save.length > 0) {
    throw reject(
      `'modules_to_save' must be empty (fully trained modules are not supported): current value is ${
        JSON.stringify(c.modules_to_save)
      }`,
    );
  }
  if (Array.isArray(c.target_modules)) {
    for (const m of c.target_modules) {
      const short = m.split(".").at(-1)!;
      if (EMBEDDING_MODULES.includes(short)) {
        throw reject(`embedding adapters are not supported: 'target_modules' names '${m}'`);
      }
      if (!(LORA_MODULES as readonly string[]).includes(short)) {
        throw reject(
          `'target_modules' must name Llama projections (${
            LORA_MODULES.join(", ")
          }): unknown module '${m}'`,
        );
      }
    }
  }
  return c;
}

interface Pair {
  layer: number;
  module: LoraModule;
  name: string;
  a?: AdapterTensor;
  b?: AdapterTensor;
}

function collectPairs(tensors: Map<string, AdapterTensor>, base: LoraSpec): Pair[] {
  const pairs = new Map<string, Pair>();
  for (const [key, tensor] of tensors) {
    if (/lora_embedding_[AB]/.test(key)) {
      throw reject(`embedding adapters are not supported: tensor '${key}'`);
    }
    if (/lora_magnitude_vector/.test(key)) {
      throw reject(`DoRA adapters are not supported: tensor '${key}'`);
    }
    const match = KEY.exec(key);
    if (match === null) {
      throw reject(
        `tensor '${key}' must be named base_model.model.model.layers.{N}.{self_attn|mlp}.{module}.lora_A|lora_B.weight`,
      );
    }
    const [, layerText, group, short, which] = match as unknown as [
      string,
      string,
      string,
      string,
      "A" | "B",
    ];
    const layer = Number(layerText);
    if (!(base.targets as readonly string[]).includes(short)) {
      throw reject(
        `the base model has no LoRA slots for module '${short}' (tensor '${key}'): its targets are ${
          base.targets.join(", ")
        }`,
      );
    }
    if (layer >= base.layers) {
      throw reject(
        `tensor '${key}' names layer ${layer} but the base model has ${base.layers} layers`,
      );
    }
    const name = `model.layers.${layer}.${group}.${short}`;
    const pair = pairs.get(name) ?? { layer, module: short as LoraModule, name };
    if (which === "A") pair.a = tensor;
    else pair.b = tensor;
    pairs.set(name, pair);
  }
  return [...pairs.values()];
}

/**
 * Parse and validate an adapter against a base model's LoRA spec.
 *
 * @example
 * ```ts
 * const adapter = readPeftAdapter(await source.load("alpha"), spec);
 * ```
 */
export function readPeftAdapter(files: PeftAdapterFiles, base: LoraSpec): LoraAdapterWeights {
  const config = parseConfig(files.config);
  const pairs = collectPairs(readAdapterSafetensors(files.weights), base);
  if (pairs.length === 0) throw reject("adapter_model.safetensors holds no LoRA tensors");
  const modules: LoraModuleWeights[] = [];
  for (const p of pairs) {
    if (p.a === undefined || p.b === undefined) {
      throw reject(`module '${p.name}' must have both lora_A and lora_B: one is missing`);
    }
    const shape = base.shapes[p.module];
    const rank = patternValue(config.rank_pattern, p.name) ?? config.r;
    const alpha = patternValue(config.alpha_pattern, p.name) ?? config.lora_alpha;
    if (rank > base.rMax) {
      throw reject(`module '${p.name}' has rank ${rank} over the base model's r_max ${base.rMax}`);
    }
    const same = (t: AdapterTensor, dims: number[]) =>
      t.shape.length === 2 && t.shape[0] === dims[0] && t.shape[1] === dims[1];
    if (!same(p.a, [rank, shape.in])) {
      throw reject(
        `lora_A of '${p.name}' must have shape [${rank}, ${shape.in}] (rank, in): current value is [${p.a.shape}]`,
      );
    }
    if (!same(p.b, [shape.out, rank])) {
      throw reject(
        `lora_B of '${p.name}' must have shape [${shape.out}, ${rank}] (out, rank): current value is [${p.b.shape}]`,
      );
    }
    const scaling = config.use_rslora ? alpha / Math.sqrt(rank) : alpha / rank;
    modules.push({ layer: p.layer, module: p.module, rank, scaling, a: p.a.data, b: p.b.data });
  }
  return { config, modules };
}
