/**
 * The Llama model config, with the field names of Hugging Face `config.json`
 * (`LlamaConfig`). The forge writes it, and transformers.js reads it.
 *
 * @module
 */
import { z } from "zod";
import { ModelConfigError } from "./errors.ts";
import { LORA_MODULES, LoraModule } from "../../shared/lora.ts";

const positiveInt = z.number().int().positive();
const tokenId = z.number().int().nonnegative();

/** Projection modules that can carry LoRA slot inputs (shared with the engine). */
export const LORA_TARGET_MODULES = LORA_MODULES;
/** A projection module that can carry LoRA slot inputs. */
export const LoraTargetModule = LoraModule;
/** A projection module that can carry LoRA slot inputs. */
export type LoraTargetModule = LoraModule;

/**
 * LoRA slot inputs of a forged base model (a Verity extension of config.json): the graph takes
 * `adapter_index` [batch] and, per layer and target module, `lora_A.{layer}.{module}`
 * [slots, r_max, in] and `lora_B.{layer}.{module}` [slots, out, r_max]. `slots` is the default
 * number of resident slots, slot 0 (all zeros, "no adapter") included; the graph's slot axis is
 * symbolic, so an engine may feed more or fewer.
 */
export const LoraSlotsConfig = z.object({
  slots: z.number().int().min(2),
  r_max: positiveInt,
  targets: z.array(LoraTargetModule).min(1),
});
/** LoRA slot inputs of a forged base model. */
export type LoraSlotsConfig = z.infer<typeof LoraSlotsConfig>;

/** Hugging Face `config.json` of a fp32 LlamaForCausalLM. */
export const LlamaConfig = z.object({
  model_type: z.literal("llama"),
  architectures: z.tuple([z.literal("LlamaForCausalLM")]),
  vocab_size: positiveInt,
  hidden_size: positiveInt,
  intermediate_size: positiveInt,
  num_hidden_layers: positiveInt,
  num_attention_heads: positiveInt,
  num_key_value_heads: positiveInt,
  head_dim: positiveInt,
  max_position_embeddings: positiveInt,
  rms_norm_eps: z.number().positive(),
  rope_theta: z.number().positive(),
  tie_word_embeddings: z.boolean(),
  bos_token_id: tokenId,
  eos_token_id: z.union([tokenId, z.array(tokenId).min(1)]),
  pad_token_id: tokenId,
  torch_dtype: z.literal("float32"),
  hidden_act: z.literal("silu").default("silu"),
  attention_bias: z.literal(false).default(false),
  mlp_bias: z.literal(false).default(false),
  rope_scaling: z.null().default(null),
  initializer_range: z.number().positive().default(0.02),
  use_cache: z.boolean().default(true),
  lora: LoraSlotsConfig.optional(),
}).superRefine((config, ctx) => {
  if (config.num_attention_heads % config.num_key_value_heads !== 0) {
    ctx.addIssue({
      code: "custom",
      path: ["num_key_value_heads"],
      message:
        `must divide num_attention_heads (${config.num_attention_heads}): current value is ${config.num_key_value_heads}`,
    });
  }
  if (config.head_dim % 2 !== 0) {
    ctx.addIssue({
      code: "custom",
      path: ["head_dim"],
      message: `must be even for rotary embeddings: current value is ${config.head_dim}`,
    });
  }
  const ids = [config.bos_token_id, config.pad_token_id].concat(config.eos_token_id);
  for (const id of ids) {
    if (id >= config.vocab_size) {
      ctx.addIssue({
        code: "custom",
        path: ["vocab_size"],
        message:
          `must exceed every special token id (${id}): current value is ${config.vocab_size}`,
      });
    }
  }
});
/** A validated Llama config. */
export type LlamaConfig = z.infer<typeof LlamaConfig>;

/**
 * Validate an unknown value (e.g. parsed config.json) as a {@link LlamaConfig}.
 * `head_dim` defaults to hidden_size / num_attention_heads as in transformers.
 * Throws {@link ModelConfigError} naming the first offending field.
 *
 * @example
 * ```ts
 * const config = parseLlamaConfig(JSON.parse(await Deno.readTextFile("config.json")));
 * ```
 */
export function parseLlamaConfig(value: unknown): LlamaConfig {
  let input = value;
  if (isRecord(value) && value.head_dim === undefined) {
    const hidden = value.hidden_size;
    const heads = value.num_attention_heads;
    if (typeof hidden === "number" && typeof heads === "number" && heads > 0) {
      input = { ...value, head_dim: hidden / heads };
    }
  }
  const result = LlamaConfig.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join(".") || "(root)";
  const current = lookup(input, issue?.path ?? []);
  const message = issue?.message ?? "is invalid";
  throw new ModelConfigError(
    `Cannot load model config as '${field}' ${
      message.startsWith("must") ? message : `is invalid (${message})`
    }` +
      (message.includes("current value") ? "" : `: current value is ${JSON.stringify(current)}`),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function lookup(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Number of parameters of a Llama model (lm_head counted only when untied).
 *
 * @example
 * ```ts
 * llamaParameterCount(config); // e.g. 247104
 * ```
 */
export function llamaParameterCount(config: LlamaConfig): number {
  const h = config.hidden_size;
  const qDim = config.num_attention_heads * config.head_dim;
  const kvDim = config.num_key_value_heads * config.head_dim;
  const perLayer = 2 * h + // input + post-attention norms
    h * qDim * 2 + // q_proj, o_proj
    h * kvDim * 2 + // k_proj, v_proj
    3 * h * config.intermediate_size; // gate, up, down
  const embed = config.vocab_size * h;
  return embed + config.num_hidden_layers * perLayer + h +
    (config.tie_word_embeddings ? 0 : embed);
}
