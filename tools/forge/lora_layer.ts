/**
 * LoRA slot inputs of a forged Llama graph (S-LoRA style heterogeneous batching with standard
 * ONNX ops). Every row of a batch picks a resident adapter by `adapter_index`; the stacked
 * adapters of all slots come in as graph inputs, so one batch mixes adapters:
 *
 *   delta = (x A[adapter_index]^T) B[adapter_index]^T        (Gather, Transpose, two MatMuls)
 *
 * Slot 0 is fed as zeros and means "no adapter". The PEFT scaling is folded into B by whoever
 * fills the slots, so the graph has no scaling input.
 *
 * @module
 */
import { ints } from "./onnx_builder.ts";
import type { GraphBuilder } from "./onnx_builder.ts";
import type { LlamaConfig, LoraTargetModule } from "./llama_config.ts";

/** Name of the per-row slot index input, int64 [batch]. */
export const ADAPTER_INDEX_INPUT = "adapter_index";
/** Symbolic name of the slot axis of the stacked LoRA inputs. */
export const LORA_SLOTS_DIM = "lora_slots";

/**
 * Input names of one layer's stacked LoRA weights for a module.
 *
 * @example
 * ```ts
 * loraInputNames(0, "q_proj"); // { a: "lora_A.0.q_proj", b: "lora_B.0.q_proj" }
 * ```
 */
export function loraInputNames(layer: number, module: LoraTargetModule): { a: string; b: string } {
  return { a: `lora_A.${layer}.${module}`, b: `lora_B.${layer}.${module}` };
}

/**
 * [in, out] features of a projection module of this config.
 *
 * @example
 * ```ts
 * loraModuleShape(config, "down_proj"); // { in: intermediate_size, out: hidden_size }
 * ```
 */
export function loraModuleShape(
  config: LlamaConfig,
  module: LoraTargetModule,
): { in: number; out: number } {
  const h = config.hidden_size;
  const q = config.num_attention_heads * config.head_dim;
  const kv = config.num_key_value_heads * config.head_dim;
  const ff = config.intermediate_size;
  switch (module) {
    case "q_proj":
      return { in: h, out: q };
    case "k_proj":
    case "v_proj":
      return { in: h, out: kv };
    case "o_proj":
      return { in: q, out: h };
    case "gate_proj":
    case "up_proj":
      return { in: h, out: ff };
    case "down_proj":
      return { in: ff, out: h };
  }
}

const MODULE_NAME = /^model\.layers\.(\d+)\.(?:self_attn|mlp)\.(\w+)$/;

/**
 * The layer and short name of an HF projection module when the config puts LoRA slots on it,
 * else undefined (`lm_head`, untargeted modules, models without `lora`).
 */
export function loraTarget(
  config: LlamaConfig,
  module: string,
): { layer: number; module: LoraTargetModule } | undefined {
  const match = MODULE_NAME.exec(module);
  const targets: readonly string[] = config.lora?.targets ?? [];
  if (match === null || !targets.includes(match[2]!)) return undefined;
  return { layer: Number(match[1]), module: match[2] as LoraTargetModule };
}

/**
 * Add the LoRA path of one projection: declares its two stacked inputs and returns the delta
 * to add to the base projection. x: [batch, seq, in]; returns [batch, seq, out].
 */
export function loraDelta(
  b: GraphBuilder,
  config: LlamaConfig,
  adapterIndex: string,
  x: string,
  target: { layer: number; module: LoraTargetModule },
): string {
  const lora = config.lora!;
  const shape = loraModuleShape(config, target.module);
  const names = loraInputNames(target.layer, target.module);
  const a = b.input(names.a, "float32", [LORA_SLOTS_DIM, lora.r_max, shape.in]);
  const bIn = b.input(names.b, "float32", [LORA_SLOTS_DIM, shape.out, lora.r_max]);
  const swap = { perm: ints([0, 2, 1]) };
  const rowA = b.op("Transpose", [b.op("Gather", [a, adapterIndex])], swap); // [batch, in, r_max]
  const rowB = b.op("Transpose", [b.op("Gather", [bIn, adapterIndex])], swap); // [batch, r_max, out]
  const down = b.op("MatMul", [x, rowA]); // [batch, seq, r_max]
  return b.op("MatMul", [down, rowB]); // [batch, seq, out]
}
