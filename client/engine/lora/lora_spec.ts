/**
 * What a base model's LoRA slot inputs look like, read from its config.json `lora` field
 * (written by the forge): resident slots (slot 0 = zeros = no adapter), the largest rank, the
 * target modules and each module's [in, out] features. Graph inputs: `adapter_index` int64
 * [batch], `lora_A.{layer}.{module}` [slots, r_max, in], `lora_B.{layer}.{module}`
 * [slots, out, r_max].
 *
 * @module
 */
import { z } from "zod";
import { ModelMismatchError } from "../errors.ts";
import type { DecoderConfig } from "../model_config.ts";
import { LORA_MODULES, LoraModule } from "../../../shared/lora.ts";

export { LORA_MODULES, LoraModule };

/** The config.json fields LoRA needs beyond {@link DecoderConfig}. */
const LoraConfigFields = z.looseObject({
  intermediate_size: z.number().int().positive(),
  lora: z.object({
    slots: z.number().int().min(2),
    r_max: z.number().int().positive(),
    targets: z.array(LoraModule).min(1),
  }),
});

/** Features of one projection module. */
export interface ModuleShape {
  readonly in: number;
  readonly out: number;
}

/** A base model's LoRA slot inputs. */
export interface LoraSpec {
  /** Default resident slots, slot 0 included. */
  readonly slots: number;
  /** Largest rank a slot holds; smaller ranks are zero-padded. */
  readonly rMax: number;
  readonly layers: number;
  readonly targets: readonly LoraModule[];
  readonly shapes: Readonly<Record<LoraModule, ModuleShape>>;
}

/** Name of the per-row slot index input. */
export const ADAPTER_INDEX = "adapter_index";

/**
 * Graph input names of a layer's stacked A and B for a module.
 *
 * @example
 * ```ts
 * loraInputNames(0, "q_proj"); // { a: "lora_A.0.q_proj", b: "lora_B.0.q_proj" }
 * ```
 */
export function loraInputNames(layer: number, module: LoraModule): { a: string; b: string } {
  return { a: `lora_A.${layer}.${module}`, b: `lora_B.${layer}.${module}` };
}

/**
 * The LoRA spec of a config, or undefined when config.json has no `lora` field. Throws
 * {@link ModelMismatchError} when the field is malformed.
 *
 * @example
 * ```ts
 * const spec = loraSpecFromConfig(files.config); // undefined for models without LoRA slots
 * ```
 */
export function loraSpecFromConfig(config: DecoderConfig): LoraSpec | undefined {
  if ((config as Record<string, unknown>).lora === undefined) return undefined;
  const parsed = LoraConfigFields.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelMismatchError(
      `Cannot load model as config.json '${issue?.path.join(".")}' ${
        issue?.message ?? "is invalid"
      }`,
    );
  }
  const { lora, intermediate_size: ff } = parsed.data;
  const h = config.hidden_size;
  const headDim = config.head_dim ?? h / config.num_attention_heads;
  const q = config.num_attention_heads * headDim;
  const kv = (config.num_key_value_heads ?? config.num_attention_heads) * headDim;
  return {
    slots: lora.slots,
    rMax: lora.r_max,
    layers: config.num_hidden_layers,
    targets: lora.targets,
    shapes: {
      q_proj: { in: h, out: q },
      k_proj: { in: h, out: kv },
      v_proj: { in: h, out: kv },
      o_proj: { in: q, out: h },
      gate_proj: { in: h, out: ff },
      up_proj: { in: h, out: ff },
      down_proj: { in: ff, out: h },
    },
  };
}

/** Every stacked input of a spec: layer, module and names, in a stable order. */
export function loraInputs(
  spec: LoraSpec,
): { layer: number; module: LoraModule; a: string; b: string }[] {
  const out = [];
  for (let layer = 0; layer < spec.layers; layer++) {
    for (const module of spec.targets) {
      out.push({ layer, module, ...loraInputNames(layer, module) });
    }
  }
  return out;
}
