/**
 * Trainable LoRA factors for the trainer and their PEFT form. The trainer holds A as
 * [in, r] and B as [r, out] (so x @ A @ B is two plain matmuls); PEFT stores lora_A [r, in]
 * and lora_B [out, r]. Initialised as PEFT does: A uniform in +-1/sqrt(in) (kaiming-uniform
 * with a = sqrt(5)), B zero, so training starts at the base model.
 *
 * @module
 */
import { z } from "zod";
import { type LlamaConfig, LoraTargetModule } from "../llama_config.ts";
import { type ForgedLoraAdapter, peftKey } from "../lora_adapter.ts";
import { loraModuleShape } from "../lora_layer.ts";
import { deriveRng } from "../rng.ts";
import type { F32Tensor } from "../safetensors.ts";

/** What a LoRA run adapts. */
export const LoraSettings = z.object({
  /** Rank. */
  r: z.number().int().positive(),
  /** PEFT lora_alpha; scaling = lora_alpha / r. */
  lora_alpha: z.number().positive(),
  /** Adapted projections of every layer. */
  target_modules: z.array(LoraTargetModule).min(1),
});
/** What a LoRA run adapts. */
export type LoraSettings = z.infer<typeof LoraSettings>;

/** HF module names of every adapted projection, layer-major. */
export function loraModules(config: LlamaConfig, settings: LoraSettings): string[] {
  const out: string[] = [];
  for (let l = 0; l < config.num_hidden_layers; l++) {
    for (const m of settings.target_modules) {
      const group = m === "gate_proj" || m === "up_proj" || m === "down_proj" ? "mlp" : "self_attn";
      out.push(`model.layers.${l}.${group}.${m}`);
    }
  }
  return out;
}

function shortName(module: string): LoraTargetModule {
  return LoraTargetModule.parse(module.slice(module.lastIndexOf(".") + 1));
}

/**
 * Seeded initial factors on the host, trainer layout: `${module}.A` [in, r] uniform,
 * `${module}.B` [r, out] zero.
 *
 * @example
 * ```ts
 * const host = initLoraHost(config, { r: 8, lora_alpha: 16, target_modules: ["q_proj"] }, 1);
 * ```
 */
export function initLoraHost(
  config: LlamaConfig,
  settings: LoraSettings,
  seed: number,
): Map<string, F32Tensor> {
  const out = new Map<string, F32Tensor>();
  for (const module of loraModules(config, settings)) {
    const shape = loraModuleShape(config, shortName(module));
    const rng = deriveRng(seed, `${module}.lora_A`);
    const bound = 1 / Math.sqrt(shape.in);
    const a = new Float32Array(shape.in * settings.r); // [in, r]
    for (let i = 0; i < a.length; i++) a[i] = (2 * rng.uniform() - 1) * bound;
    out.set(`${module}.A`, { shape: [shape.in, settings.r], data: a });
    out.set(`${module}.B`, {
      shape: [settings.r, shape.out],
      data: new Float32Array(settings.r * shape.out),
    }); // [r, out]
  }
  return out;
}

function transpose(t: F32Tensor): F32Tensor {
  const [rows, cols] = t.shape as [number, number];
  const out = new Float32Array(rows * cols); // [cols, rows]
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = t.data[r * cols + c]!;
  }
  return { shape: [cols, rows], data: out };
}

/**
 * The trained factors as a PEFT adapter (config + tensors under PEFT keys), ready for
 * `loraAdapterFiles` and `mergeLoraWeights` of tools/forge/lora_adapter.ts.
 *
 * @example
 * ```ts
 * const adapter = toPeftAdapter("terse", config, settings, host);
 * ```
 */
export function toPeftAdapter(
  name: string,
  config: LlamaConfig,
  settings: LoraSettings,
  host: ReadonlyMap<string, F32Tensor>,
  baseModel = "verity/world-target",
): ForgedLoraAdapter {
  const tensors = new Map<string, F32Tensor>();
  const scaling = settings.lora_alpha / settings.r;
  const modules = loraModules(config, settings).map((module) => {
    const a = host.get(`${module}.A`);
    const b = host.get(`${module}.B`);
    if (a === undefined || b === undefined) {
      throw new RangeError(
        `Cannot write the PEFT adapter as factors of '${module}' are missing: current value is ${
          [...host.keys()].length
        } tensors`,
      );
    }
    tensors.set(peftKey(module, "A"), transpose(a)); // [r, in]
    tensors.set(peftKey(module, "B"), transpose(b)); // [out, r]
    return { module, rank: settings.r, alpha: settings.lora_alpha, scaling };
  });
  const peftConfig = {
    peft_type: "LORA",
    task_type: "CAUSAL_LM",
    base_model_name_or_path: baseModel,
    r: settings.r,
    lora_alpha: settings.lora_alpha,
    lora_dropout: 0,
    target_modules: [...settings.target_modules],
    use_rslora: false,
    use_dora: false,
    rank_pattern: {},
    alpha_pattern: {},
    bias: "none",
    fan_in_fan_out: false,
    modules_to_save: null,
    inference_mode: true,
  };
  return { name, config: peftConfig, tensors, modules };
}
