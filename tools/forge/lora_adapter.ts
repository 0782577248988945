/**
 * Seeded PEFT LoRA adapters for a forged base model, as Hugging Face PEFT writes them
 * (`adapter_config.json` + `adapter_model.safetensors`, keys
 * `base_model.model.model.layers.{N}.self_attn.q_proj.lora_A.weight`, A [r, in], B [out, r]),
 * and the merge W + scaling * B A that serves as the reference in tests and benchmarks.
 * Ranks and alphas are resolved here independently of the client's PEFT reader, so the two
 * check each other.
 *
 * @module
 */
import type { LlamaConfig, LoraTargetModule } from "./llama_config.ts";
import { loraModuleShape } from "./lora_layer.ts";
import { deriveRng } from "./rng.ts";
import { type F32Tensor, writeSafetensors } from "./safetensors.ts";
import type { LlamaWeights } from "./weights.ts";
import { type FileSet, jsonBytes } from "./model_folder.ts";

/** What to forge: PEFT config fields plus a seed. */
export interface LoraAdapterSpec {
  /** Folder name of the adapter. */
  readonly name: string;
  /** Seed of the A and B values. */
  readonly seed: number;
  readonly r: number;
  readonly lora_alpha: number;
  readonly target_modules: readonly LoraTargetModule[];
  readonly use_rslora?: boolean;
  /** PEFT rank_pattern: key (a module name suffix such as "q_proj" or "layers.1.mlp.up_proj") -> rank. */
  readonly rank_pattern?: Readonly<Record<string, number>>;
  /** PEFT alpha_pattern, keyed like rank_pattern. */
  readonly alpha_pattern?: Readonly<Record<string, number>>;
  /** Std of B relative to 1/sqrt(rank) (PEFT initializes B to zero; tests want a visible delta). */
  readonly bScale?: number;
}

/** One adapted module with its resolved rank, alpha and scaling. */
export interface LoraModuleEntry {
  /** HF module name, e.g. "model.layers.0.self_attn.q_proj". */
  readonly module: string;
  readonly rank: number;
  readonly alpha: number;
  /** alpha / rank, or alpha / sqrt(rank) with rsLoRA. */
  readonly scaling: number;
}

/** A forged adapter: its config JSON, its tensors under PEFT keys, and the resolved modules. */
export interface ForgedLoraAdapter {
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly tensors: ReadonlyMap<string, F32Tensor>;
  readonly modules: readonly LoraModuleEntry[];
}

/** PEFT's safetensors key of a module's lora_A or lora_B weight. */
export const peftKey = (module: string, which: "A" | "B") =>
  `base_model.model.${module}.lora_${which}.weight`;

function patternValue(
  pattern: Readonly<Record<string, number>> | undefined,
  module: string,
): number | undefined {
  for (const [key, value] of Object.entries(pattern ?? {})) {
    if (module === key || module.endsWith(`.${key}`)) return value;
  }
  return undefined;
}

function moduleName(layer: number, module: LoraTargetModule): string {
  const group = ["gate_proj", "up_proj", "down_proj"].includes(module) ? "mlp" : "self_attn";
  return `model.layers.${layer}.${group}.${module}`;
}

/**
 * Forge a seeded PEFT adapter for a base config.
 *
 * @example
 * ```ts
 * const adapter = forgeLoraAdapter(config, { name: "a", seed: 1, r: 4, lora_alpha: 8, target_modules: ["q_proj"] });
 * ```
 */
export function forgeLoraAdapter(config: LlamaConfig, spec: LoraAdapterSpec): ForgedLoraAdapter {
  const tensors = new Map<string, F32Tensor>();
  const modules: LoraModuleEntry[] = [];
  for (let layer = 0; layer < config.num_hidden_layers; layer++) {
    for (const short of spec.target_modules) {
      const module = moduleName(layer, short);
      const rank = patternValue(spec.rank_pattern, module) ?? spec.r;
      const alpha = patternValue(spec.alpha_pattern, module) ?? spec.lora_alpha;
      const scaling = spec.use_rslora === true ? alpha / Math.sqrt(rank) : alpha / rank;
      const shape = loraModuleShape(config, short);
      const a = new Float32Array(rank * shape.in); // [r, in]
      const b = new Float32Array(shape.out * rank); // [out, r]
      const rngA = deriveRng(spec.seed, `${module}.lora_A`);
      const rngB = deriveRng(spec.seed, `${module}.lora_B`);
      for (let i = 0; i < a.length; i++) a[i] = rngA.normal() / Math.sqrt(shape.in);
      const bStd = (spec.bScale ?? 0.5) / Math.sqrt(rank);
      for (let i = 0; i < b.length; i++) b[i] = rngB.normal() * bStd;
      tensors.set(peftKey(module, "A"), { shape: [rank, shape.in], data: a });
      tensors.set(peftKey(module, "B"), { shape: [shape.out, rank], data: b });
      modules.push({ module, rank, alpha, scaling });
    }
  }
  const peftConfig = {
    peft_type: "LORA",
    task_type: "CAUSAL_LM",
    base_model_name_or_path: "verity/target_lora",
    r: spec.r,
    lora_alpha: spec.lora_alpha,
    lora_dropout: 0,
    target_modules: [...spec.target_modules],
    use_rslora: spec.use_rslora ?? false,
    use_dora: false,
    rank_pattern: { ...spec.rank_pattern },
    alpha_pattern: { ...spec.alpha_pattern },
    bias: "none",
    fan_in_fan_out: false,
    modules_to_save: null,
    inference_mode: true,
  };
  return { name: spec.name, config: peftConfig, tensors, modules };
}

/**
 * The two PEFT files of an adapter, under `<name>/`.
 *
 * @example
 * ```ts
 * const files = loraAdapterFiles(adapter); // "a/adapter_config.json", "a/adapter_model.safetensors"
 * ```
 */
export function loraAdapterFiles(adapter: ForgedLoraAdapter): FileSet {
  return new Map([
    [`${adapter.name}/adapter_config.json`, jsonBytes(adapter.config)],
    [`${adapter.name}/adapter_model.safetensors`, writeSafetensors(adapter.tensors)],
  ]);
}

/**
 * Base weights with an adapter merged in: W' = W + scaling * B A for every adapted module.
 *
 * @example
 * ```ts
 * const merged = mergeLoraWeights(weights, adapter);
 * ```
 */
export function mergeLoraWeights(
  weights: LlamaWeights,
  adapter: ForgedLoraAdapter,
): LlamaWeights {
  const out = new Map(weights);
  for (const entry of adapter.modules) {
    const w = out.get(`${entry.module}.weight`)!; // [out, in]
    const a = adapter.tensors.get(peftKey(entry.module, "A"))!; // [r, in]
    const b = adapter.tensors.get(peftKey(entry.module, "B"))!; // [out, r]
    const [rows, cols] = w.shape as [number, number];
    const r = entry.rank;
    const merged = new Float32Array(w.data); // [out, in]
    for (let o = 0; o < rows; o++) {
      for (let k = 0; k < r; k++) {
        const bk = entry.scaling * b.data[o * r + k]!;
        if (bk === 0) continue;
        for (let i = 0; i < cols; i++) {
          merged[o * cols + i] = merged[o * cols + i]! + bk * a.data[k * cols + i]!;
        }
      }
    }
    out.set(`${entry.module}.weight`, { shape: w.shape, data: merged });
  }
  return out;
}
