/**
 * Builds a Llama decoder (LlamaForCausalLM) as an ONNX model with the I/O transformers.js
 * expects of a decoder with KV cache:
 *
 * - inputs: `input_ids` int64 [batch, seq], `attention_mask` int64 [batch, past + seq],
 *   `position_ids` int64 [batch, seq], `past_key_values.{i}.key|value` f32
 *   [batch, kv_heads, past, head_dim] (past may be 0)
 * - outputs: `logits` f32 [batch, seq, vocab], `present.{i}.key|value` f32
 *   [batch, kv_heads, past + seq, head_dim]
 *
 * Query i of the chunk attends to cache slot j iff j <= past + i and attention_mask[b, j] = 1.
 * A config with `lora` adds `adapter_index` int64 [batch] and stacked LoRA slot inputs
 * (lora_layer.ts).
 * Standard ONNX ops only, opset 17, fp32.
 *
 * @module
 */
import { GraphBuilder, int } from "./onnx_builder.ts";
import type { LlamaConfig } from "./llama_config.ts";
import { type LlamaWeights, validateLlamaWeights } from "./weights.ts";
import {
  attention,
  linear,
  type LlamaGraphContext,
  mlp,
  rmsNorm,
  rotaryTables,
} from "./llama_layers.ts";
import { ADAPTER_INDEX_INPUT } from "./lora_layer.ts";

/** ONNX opset of forged models. */
export const LLAMA_OPSET = 17;

/** Additive bias of masked attention slots: large and finite so fully masked rows stay NaN-free. */
export const MASKED_BIAS = -1e9;

const BATCH = "batch_size";
const SEQ = "sequence_length";
const PAST = "past_sequence_length";
const TOTAL = "total_sequence_length";

/**
 * Serialize a Llama model as ONNX bytes. Weights are validated against the config first.
 *
 * @example
 * ```ts
 * const bytes = buildLlamaOnnx(config, initLlamaWeights(config, 1));
 * ```
 */
export function buildLlamaOnnx(
  config: LlamaConfig,
  weights: LlamaWeights,
  extraOutputs?: (b: GraphBuilder, normedHidden: string) => void,
): Uint8Array {
  const b = new GraphBuilder("llama");
  const kvDims = [BATCH, config.num_key_value_heads, PAST, config.head_dim];

  const inputIds = b.input("input_ids", "int64", [BATCH, SEQ]);
  const attentionMask = b.input("attention_mask", "int64", [BATCH, TOTAL]);
  const positionIds = b.input("position_ids", "int64", [BATCH, SEQ]);
  const past = Array.from({ length: config.num_hidden_layers }, (_, i) => ({
    key: b.input(`past_key_values.${i}.key`, "float32", kvDims),
    value: b.input(`past_key_values.${i}.value`, "float32", kvDims),
  }));
  // LoRA slot inputs (lora_A/B.{layer}.{module}) are declared where the projections use them.
  const adapterIndex = config.lora === undefined
    ? undefined
    : b.input(ADAPTER_INDEX_INPUT, "int64", [BATCH]);
  const ctx: LlamaGraphContext = {
    b,
    config,
    weights: validateLlamaWeights(config, weights),
    ...(adapterIndex !== undefined ? { adapterIndex } : {}),
  };

  const embed = ctx.weights.get("model.embed_tokens.weight")!;
  b.initializer("model.embed_tokens.weight", embed.data, embed.shape);
  let hidden = b.scoped(
    "model/embed_tokens",
    () => b.op("Gather", ["model.embed_tokens.weight", inputIds], { axis: int(0) }),
  ); // [batch, seq, hidden]
  const maskBias = b.scoped("model/mask", () => attentionBias(b, inputIds, attentionMask));
  const rotary = b.scoped("model/rotary_emb", () => rotaryTables(ctx, positionIds));

  const presents: { key: string; value: string }[] = [];
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const layer = past[i]!;
    hidden = b.scoped(`model/layers.${i}`, () => {
      const normed = rmsNorm(ctx, hidden, `model.layers.${i}.input_layernorm.weight`);
      const attn = attention(ctx, normed, i, rotary, maskBias, layer.key, layer.value);
      presents.push({ key: attn.presentKey, value: attn.presentValue });
      const residual = b.op("Add", [hidden, attn.output]);
      const normed2 = rmsNorm(ctx, residual, `model.layers.${i}.post_attention_layernorm.weight`);
      return b.op("Add", [residual, mlp(ctx, normed2, i)]); // [batch, seq, hidden]
    });
  }
  let normed = ""; // [batch, seq, hidden]
  const logits = b.scoped("lm_head", () => {
    normed = rmsNorm(ctx, hidden, "model.norm.weight");
    return linear(ctx, normed, "lm_head");
  }); // [batch, seq, vocab]

  b.output("logits", logits, "float32", [BATCH, SEQ, config.vocab_size]);
  const presentDims = [BATCH, config.num_key_value_heads, TOTAL, config.head_dim];
  presents.forEach((p, i) => {
    b.output(`present.${i}.key`, p.key, "float32", presentDims);
    b.output(`present.${i}.value`, p.value, "float32", presentDims);
  });
  // Extra heads (e.g. the Quiet-STaR mixing head) read the final normed hidden [batch, seq, hidden].
  extraOutputs?.(b, normed);
  return b.encode({
    opset: LLAMA_OPSET,
    producerName: "verity-forge",
    metadata: { architecture: "LlamaForCausalLM" },
  });
}

/**
 * Additive attention bias [batch, 1, 1, seq, total]: 0 where query i may read slot j
 * (j <= past + i and attention_mask[b, j] = 1), {@link MASKED_BIAS} elsewhere.
 */
function attentionBias(b: GraphBuilder, inputIds: string, attentionMask: string): string {
  const one = b.constInt64([1], []);
  const seq = b.op("Gather", [b.op("Shape", [inputIds]), one], { axis: int(0) }); // scalar
  const total = b.op("Gather", [b.op("Shape", [attentionMask]), one], { axis: int(0) }); // scalar
  const pastLength = b.op("Sub", [total, seq]); // scalar
  const queryPos = b.op("Range", [pastLength, total, one]); // [seq]
  const keyPos = b.op("Range", [b.constInt64([0], []), total, one]); // [total]
  const causal = b.op("LessOrEqual", [
    b.op("Unsqueeze", [keyPos, b.constInt64([0])]), // [1, total]
    b.op("Unsqueeze", [queryPos, b.constInt64([1])]), // [seq, 1]
  ]); // [seq, total]
  const padding = b.op("Unsqueeze", [
    b.op("Cast", [attentionMask], { to: int(9) }), // bool [batch, total]
    b.constInt64([1]),
  ]); // [batch, 1, total]
  const allowed = b.op("And", [causal, padding]); // [batch, seq, total]
  const bias = b.op("Where", [allowed, b.constFloat([0], []), b.constFloat([MASKED_BIAS], [])]);
  return b.op("Unsqueeze", [bias, b.constInt64([1, 2])]); // [batch, 1, 1, seq, total]
}
