/**
 * The building blocks of a Llama decoder as ONNX subgraphs: linear projections, RMSNorm,
 * rotary embeddings (HF rotate-half), grouped-query attention with a KV cache, SwiGLU MLP.
 * Every function takes tensor names and returns tensor names in one {@link LlamaGraphContext}.
 *
 * @module
 */
import type { GraphBuilder } from "./onnx_builder.ts";
import { int, ints } from "./onnx_builder.ts";
import type { LlamaConfig } from "./llama_config.ts";
import { type LlamaWeights, requireTensor } from "./weights.ts";
import { loraDelta, loraTarget } from "./lora_layer.ts";

/** Shared state while building one Llama graph. */
export interface LlamaGraphContext {
  /** The graph under construction. */
  readonly b: GraphBuilder;
  /** The validated model config. */
  readonly config: LlamaConfig;
  /** Weights by Hugging Face tensor name. */
  readonly weights: LlamaWeights;
  /** The `adapter_index` input ([batch] int64) when the config has LoRA slots. */
  readonly adapterIndex?: string;
}

/** Rotary tables shared by all layers. */
export interface RotaryTables {
  /** cos(position * inv_freq), duplicated halves. // [batch, seq, 1, head_dim] */
  readonly cos: string;
  /** sin(position * inv_freq), duplicated halves. // [batch, seq, 1, head_dim] */
  readonly sin: string;
}

/** Names of one layer's attention results. */
export interface AttentionResult {
  /** Attention output after o_proj. // [batch, seq, hidden] */
  readonly output: string;
  /** concat(past_key, new keys) on axis 2. // [batch, kv_heads, past_seq + seq, head_dim] */
  readonly presentKey: string;
  /** concat(past_value, new values) on axis 2. // [batch, kv_heads, past_seq + seq, head_dim] */
  readonly presentValue: string;
}

/**
 * The [in, out] weight of a projection module, added as an initializer named
 * `<module>.weight.T` (HF stores [out, in]; MatMul wants it transposed). A tied `lm_head`
 * reuses the embedding through a Transpose node instead of a copy.
 */
function projectionWeight(ctx: LlamaGraphContext, module: string): string {
  const { b, config, weights } = ctx;
  if (module === "lm_head" && config.tie_word_embeddings) {
    return b.op("Transpose", ["model.embed_tokens.weight"], { perm: ints([1, 0]) }); // [hidden, vocab]
  }
  const w = requireTensor(weights, `${module}.weight`); // [out, in]
  const [out, inp] = w.shape as [number, number];
  const t = new Float32Array(out * inp); // [in, out]
  for (let o = 0; o < out; o++) {
    for (let i = 0; i < inp; i++) t[i * out + o] = w.data[o * inp + i]!;
  }
  return b.initializer(`${module}.weight.T`, t, [inp, out]);
}

/**
 * y = x W^T for the HF module `module` (e.g. "model.layers.0.self_attn.q_proj").
 * Every projection of the model goes through here, so LoRA slot inputs are added in this one
 * place for targeted modules: y += B[adapter_index] (A[adapter_index] x) (see lora_layer.ts).
 */
export function linear(ctx: LlamaGraphContext, x: string, module: string): string {
  const base = ctx.b.op("MatMul", [x, projectionWeight(ctx, module)]); // [..., out]
  const target = loraTarget(ctx.config, module);
  if (target === undefined || ctx.adapterIndex === undefined) return base;
  return ctx.b.op("Add", [base, loraDelta(ctx.b, ctx.config, ctx.adapterIndex, x, target)]);
}

/** HF LlamaRMSNorm: weight * (x / sqrt(mean(x^2, -1) + eps)). x: [..., hidden]. */
export function rmsNorm(ctx: LlamaGraphContext, x: string, weightName: string): string {
  const { b, config, weights } = ctx;
  const w = requireTensor(weights, weightName);
  const weight = b.initializer(weightName, w.data, w.shape);
  const squared = b.op("Mul", [x, x]);
  const meanSquare = b.op("ReduceMean", [squared], { axes: ints([-1]), keepdims: int(1) }); // [..., 1]
  const variance = b.op("Add", [meanSquare, b.constFloat([config.rms_norm_eps], [])]);
  const invRms = b.op("Reciprocal", [b.op("Sqrt", [variance])]);
  return b.op("Mul", [b.op("Mul", [x, invRms]), weight]);
}

/**
 * inv_freq[i] = 1 / theta^(2i / head_dim), rounded to float32 as transformers computes it.
 *
 * @example
 * ```ts
 * ropeInverseFrequencies(16, 10000)[0]; // 1
 * ```
 */
export function ropeInverseFrequencies(headDim: number, theta: number): Float32Array {
  const out = new Float32Array(headDim / 2); // [head_dim / 2]
  for (let i = 0; i < headDim / 2; i++) out[i] = 1 / theta ** ((2 * i) / headDim);
  return out;
}

/** cos/sin tables from position_ids ([batch, seq] int64). */
export function rotaryTables(ctx: LlamaGraphContext, positionIds: string): RotaryTables {
  const { b, config } = ctx;
  const invFreq = b.initializer(
    "rotary_emb.inv_freq",
    ropeInverseFrequencies(config.head_dim, config.rope_theta),
    [config.head_dim / 2],
  );
  const positions = b.op("Cast", [positionIds], { to: int(1) }); // float32 [batch, seq]
  const column = b.op("Unsqueeze", [positions, b.constInt64([2])]); // [batch, seq, 1]
  const freqs = b.op("Mul", [column, invFreq]); // [batch, seq, head_dim / 2]
  const angles = b.op("Concat", [freqs, freqs], { axis: int(-1) }); // [batch, seq, head_dim]
  const axis2 = b.constInt64([2]);
  return {
    cos: b.op("Unsqueeze", [b.op("Cos", [angles]), axis2]), // [batch, seq, 1, head_dim]
    sin: b.op("Unsqueeze", [b.op("Sin", [angles]), axis2]), // [batch, seq, 1, head_dim]
  };
}

/** x * cos + rotate_half(x) * sin, rotate_half(x) = concat(-x2, x1). x: [batch, seq, heads, head_dim]. */
export function applyRotary(ctx: LlamaGraphContext, x: string, rotary: RotaryTables): string {
  const { b, config } = ctx;
  const half = config.head_dim / 2;
  const [x1, x2] = b.opMulti("Split", [x, b.constInt64([half, half])], { axis: int(-1) }, {
    outputs: 2,
  }) as [string, string];
  const rotated = b.op("Concat", [b.op("Neg", [x2]), x1], { axis: int(-1) });
  return b.op("Add", [b.op("Mul", [x, rotary.cos]), b.op("Mul", [rotated, rotary.sin])]);
}

/**
 * Grouped-query self-attention of layer `layer` with a KV cache. Query head h reads KV head
 * h / group (HF repeat_kv); the grouping is done by broadcasting a 5-D MatMul instead of
 * copying K/V. `maskBias` is the additive mask [batch, 1, 1, seq, past_seq + seq].
 */
export function attention(
  ctx: LlamaGraphContext,
  x: string,
  layer: number,
  rotary: RotaryTables,
  maskBias: string,
  pastKey: string,
  pastValue: string,
): AttentionResult {
  const { b, config } = ctx;
  const heads = config.num_attention_heads;
  const kvHeads = config.num_key_value_heads;
  const d = config.head_dim;
  const prefix = `model.layers.${layer}.self_attn`;
  const split = (t: string, n: number) => b.op("Reshape", [t, b.constInt64([0, 0, n, d])]);
  const q = applyRotary(ctx, split(linear(ctx, x, `${prefix}.q_proj`), heads), rotary); // [batch, seq, heads, head_dim]
  const k = applyRotary(ctx, split(linear(ctx, x, `${prefix}.k_proj`), kvHeads), rotary); // [batch, seq, kv_heads, head_dim]
  const v = split(linear(ctx, x, `${prefix}.v_proj`), kvHeads); // [batch, seq, kv_heads, head_dim]
  const toCache = ints([0, 2, 1, 3]);
  const newKey = b.op("Transpose", [k], { perm: toCache }); // [batch, kv_heads, seq, head_dim]
  const newValue = b.op("Transpose", [v], { perm: toCache }); // [batch, kv_heads, seq, head_dim]
  const presentKey = b.op("Concat", [pastKey, newKey], { axis: int(2) }); // [batch, kv_heads, total, head_dim]
  const presentValue = b.op("Concat", [pastValue, newValue], { axis: int(2) }); // [batch, kv_heads, total, head_dim]

  const group = heads / kvHeads;
  const q5 = b.op("Transpose", [b.op("Reshape", [q, b.constInt64([0, 0, kvHeads, group, d])])], {
    perm: ints([0, 2, 3, 1, 4]),
  }); // [batch, kv_heads, group, seq, head_dim]
  const axis2 = b.constInt64([2]);
  const keys = b.op("Transpose", [b.op("Unsqueeze", [presentKey, axis2])], {
    perm: ints([0, 1, 2, 4, 3]),
  }); // [batch, kv_heads, 1, head_dim, total]
  const values = b.op("Unsqueeze", [presentValue, axis2]); // [batch, kv_heads, 1, total, head_dim]
  const scores = b.op("Mul", [b.op("MatMul", [q5, keys]), b.constFloat([1 / Math.sqrt(d)], [])]); // [batch, kv_heads, group, seq, total]
  const probs = b.op("Softmax", [b.op("Add", [scores, maskBias])], { axis: int(-1) });
  const context = b.op("MatMul", [probs, values]); // [batch, kv_heads, group, seq, head_dim]
  const merged = b.op("Reshape", [
    b.op("Transpose", [context], { perm: ints([0, 3, 1, 2, 4]) }), // [batch, seq, kv_heads, group, head_dim]
    b.constInt64([0, 0, heads * d]),
  ]); // [batch, seq, heads * head_dim]
  return { output: linear(ctx, merged, `${prefix}.o_proj`), presentKey, presentValue };
}

/** SwiGLU MLP of layer `layer`: down(silu(gate(x)) * up(x)). x: [batch, seq, hidden]. */
export function mlp(ctx: LlamaGraphContext, x: string, layer: number): string {
  const { b } = ctx;
  const prefix = `model.layers.${layer}.mlp`;
  const gate = linear(ctx, x, `${prefix}.gate_proj`); // [batch, seq, intermediate]
  const up = linear(ctx, x, `${prefix}.up_proj`); // [batch, seq, intermediate]
  const silu = b.op("Mul", [gate, b.op("Sigmoid", [gate])]);
  return linear(ctx, b.op("Mul", [silu, up]), `${prefix}.down_proj`); // [batch, seq, hidden]
}
