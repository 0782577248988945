/**
 * The forge's Llama decoder (tools/forge/llama_layers.ts) as a differentiable jax-js
 * function: RMSNorm, rotate-half RoPE, grouped-query causal attention, SwiGLU MLP, tied or
 * untied head. Parameters carry their Hugging Face names; projection matrices are held
 * transposed, [in, out], so every projection is one plain matmul (see {@link toTrainParams}).
 *
 * Token lookups are one-hot matmuls: the scatter-add behind `take`'s gradient is slow on
 * wasm (client/lab/transformer.ts measured the same).
 *
 * @module
 */
import { nn, numpy as np } from "@jax-js/jax";
import type { LlamaConfig } from "../llama_config.ts";
import type { F32Tensor } from "../safetensors.ts";
import { ropeInverseFrequencies } from "../llama_layers.ts";
import { llamaTensorSpecs, type LlamaWeights } from "../weights.ts";

/** Named parameter arrays: HF names; 2-D projections as [in, out], embeddings [vocab, hidden]. */
export type TrainParams = { [name: string]: np.Array };

/** Constant inputs of a forward pass at sequence length T. */
export type ForwardTables = {
  /** cos(position * inv_freq), duplicated halves. // [1, T, 1, head_dim] */
  readonly cos: np.Array;
  /** sin(position * inv_freq), duplicated halves. // [1, T, 1, head_dim] */
  readonly sin: np.Array;
  /** rotate_half as a matrix: x @ rot = concat(-x2, x1). // [head_dim, head_dim] */
  readonly rot: np.Array;
  /** Additive causal mask, 0 on and below the diagonal, -1e9 above. // [T, T] */
  readonly causal: np.Array;
};

/** Whether a tensor is stored transposed ([in, out]) in {@link TrainParams}. */
function isProjection(name: string): boolean {
  return name.endsWith("_proj.weight") || name === "lm_head.weight";
}

function transpose2d(t: F32Tensor): F32Tensor {
  const [rows, cols] = t.shape as [number, number];
  const out = new Float32Array(rows * cols); // [cols, rows]
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = t.data[r * cols + c]!;
  }
  return { shape: [cols, rows], data: out };
}

/**
 * Host tensors for the trainer: HF weights with projections transposed to [in, out].
 *
 * @example
 * ```ts
 * const host = toTrainLayout(config, initTrainWeights(config, 1));
 * ```
 */
export function toTrainLayout(config: LlamaConfig, weights: LlamaWeights): Map<string, F32Tensor> {
  const out = new Map<string, F32Tensor>();
  for (const spec of llamaTensorSpecs(config)) {
    const t = weights.get(spec.name)!;
    out.set(spec.name, isProjection(spec.name) ? transpose2d(t) : t);
  }
  return out;
}

/**
 * The inverse of {@link toTrainLayout}: [in, out] host tensors back to HF layout.
 *
 * @example
 * ```ts
 * const weights = fromTrainLayout(await paramsToHost(params));
 * ```
 */
export function fromTrainLayout(host: ReadonlyMap<string, F32Tensor>): LlamaWeights {
  const out = new Map<string, F32Tensor>();
  for (const [name, t] of host) out.set(name, isProjection(name) ? transpose2d(t) : t);
  return out;
}

/**
 * Device parameters from HF weights (projections transposed to [in, out]).
 *
 * @example
 * ```ts
 * const params = toTrainParams(config, weights);
 * ```
 */
export function toTrainParams(config: LlamaConfig, weights: LlamaWeights): TrainParams {
  const params: TrainParams = {};
  for (const [name, t] of toTrainLayout(config, weights)) {
    params[name] = np.array(Float32Array.from(t.data), { shape: [...t.shape] });
  }
  return params;
}

/**
 * Copy parameters to the host (consumes them) as HF-layout weights.
 *
 * @example
 * ```ts
 * const weights = await trainParamsToWeights(refParams(params));
 * ```
 */
export async function trainParamsToWeights(params: TrainParams): Promise<LlamaWeights> {
  const host = new Map<string, F32Tensor>();
  for (const [name, p] of Object.entries(params)) {
    const shape = [...p.shape];
    host.set(name, { shape, data: Float32Array.from(await p.data() as Float32Array) });
  }
  return fromTrainLayout(host);
}

/**
 * The constant tables of a length-T forward pass.
 *
 * @example
 * ```ts
 * const tables = forwardTables(config, 64);
 * ```
 */
export function forwardTables(config: LlamaConfig, seq: number): ForwardTables {
  const d = config.head_dim;
  const half = d / 2;
  const inv = ropeInverseFrequencies(d, config.rope_theta);
  const cos = new Float32Array(seq * d); // [T, head_dim]
  const sin = new Float32Array(seq * d); // [T, head_dim]
  for (let t = 0; t < seq; t++) {
    for (let i = 0; i < d; i++) {
      const angle = Math.fround(t * inv[i % half]!);
      cos[t * d + i] = Math.cos(angle);
      sin[t * d + i] = Math.sin(angle);
    }
  }
  const rot = new Float32Array(d * d); // [head_dim, head_dim]; out[j] = sum_i x[i] rot[i, j]
  for (let j = 0; j < half; j++) {
    rot[(j + half) * d + j] = -1; // out[j] = -x[j + half]
    rot[j * d + j + half] = 1; // out[j + half] = x[j]
  }
  const causal = new Float32Array(seq * seq); // [T, T]
  for (let i = 0; i < seq; i++) for (let j = i + 1; j < seq; j++) causal[i * seq + j] = -1e9;
  return {
    cos: np.array(cos, { shape: [1, seq, 1, d] }),
    sin: np.array(sin, { shape: [1, seq, 1, d] }),
    rot: np.array(rot, { shape: [d, d] }),
    causal: np.array(causal, { shape: [seq, seq] }),
  };
}

/** Dispose the tables. */
export function disposeTables(tables: ForwardTables): void {
  tables.cos.dispose();
  tables.sin.dispose();
  tables.rot.dispose();
  tables.causal.dispose();
}

function param(params: TrainParams, name: string): np.Array {
  const p = params[name];
  if (p === undefined) {
    throw new RangeError(`Cannot run the model as parameter '${name}' is missing`);
  }
  return p;
}

/** x * rsqrt(mean(x^2) + eps) * w over the last axis (consumes x and w). */
function rmsNorm(x: np.Array, w: np.Array, eps: number): np.Array {
  const inv = np.reciprocal(np.sqrt(np.square(x.ref).mean(-1, { keepdims: true }).add(eps)));
  return x.mul(inv).mul(w);
}

/** x * cos + rotate_half(x) * sin; x [B, T, heads, head_dim] (consumes x only). */
function rope(x: np.Array, tables: ForwardTables): np.Array {
  const rotated = np.matmul(x.ref, tables.rot.ref);
  return x.mul(tables.cos.ref).add(rotated.mul(tables.sin.ref));
}

/**
 * Trainable LoRA factors by HF module name (e.g. "model.layers.0.self_attn.q_proj"), in the
 * trainer's layout: A as [in, r] and B as [r, out] (PEFT stores their transposes).
 */
export type LoraTrainParams = { [name: string]: np.Array };

/** LoRA factors and their scaling (lora_alpha / r) for a forward pass. */
export interface LoraForward {
  /** alpha / r. */
  readonly scaling: number;
  /** `${module}.A` [in, r] and `${module}.B` [r, out]. */
  readonly params: LoraTrainParams;
}

/** x @ W (+ scaling * (x @ A) @ B when the module is adapted); consumes x. // [N, out] */
function project(
  x: np.Array,
  params: TrainParams,
  module: string,
  lora: LoraForward | undefined,
): np.Array {
  const w = param(params, `${module}.weight`); // [in, out]
  const a = lora?.params[`${module}.A`]; // [in, r]
  const b = lora?.params[`${module}.B`]; // [r, out]
  if (a === undefined || b === undefined) return np.matmul(x, w);
  const base = np.matmul(x.ref, w);
  return base.add(np.matmul(np.matmul(x, a), b).mul(lora!.scaling));
}

/**
 * Final hidden states of every position and the output head: tokens int32 [B, T] ->
 * hidden [B * T, hidden], head [hidden, vocab]. Consumes `params` (and `lora`) and `tokens`;
 * leaves `tables` alive.
 *
 * @example
 * ```ts
 * const { hidden, head } = llamaHidden(config, refParams(params), tokens, tables);
 * ```
 */
export function llamaHidden(
  config: LlamaConfig,
  params: TrainParams,
  tokens: np.Array,
  tables: ForwardTables,
  lora?: LoraForward,
): { hidden: np.Array; head: np.Array } {
  const [b, t] = tokens.shape as [number, number];
  const n = b * t;
  const heads = config.num_attention_heads;
  const kvHeads = config.num_key_value_heads;
  const d = config.head_dim;
  const eps = config.rms_norm_eps;
  const embed = param(params, "model.embed_tokens.weight"); // [vocab, hidden]
  const vocab = config.vocab_size;
  const oneHot = nn.oneHot(tokens.reshape([n]), vocab).astype(np.float32); // [N, vocab]
  let x = np.matmul(oneHot, config.tie_word_embeddings ? embed.ref : embed); // [N, hidden]
  for (let l = 0; l < config.num_hidden_layers; l++) {
    const p = `model.layers.${l}`;
    const a = rmsNorm(x.ref, param(params, `${p}.input_layernorm.weight`), eps); // [N, hidden]
    const q = rope(
      project(a.ref, params, `${p}.self_attn.q_proj`, lora).reshape([b, t, heads, d]),
      tables,
    );
    let k = rope(
      project(a.ref, params, `${p}.self_attn.k_proj`, lora).reshape([b, t, kvHeads, d]),
      tables,
    );
    let v = project(a, params, `${p}.self_attn.v_proj`, lora).reshape([b, t, kvHeads, d]);
    if (heads !== kvHeads) {
      // HF repeat_kv: query head i reads KV head floor(i / group).
      k = np.repeat(k, heads / kvHeads, 2); // [B, T, heads, head_dim]
      v = np.repeat(v, heads / kvHeads, 2); // [B, T, heads, head_dim]
    }
    const qh = q.transpose([0, 2, 1, 3]); // [B, heads, T, head_dim]
    const kh = k.transpose([0, 2, 3, 1]); // [B, heads, head_dim, T]
    const vh = v.transpose([0, 2, 1, 3]); // [B, heads, T, head_dim]
    const scores = np.matmul(qh, kh).mul(1 / Math.sqrt(d)).add(tables.causal.ref); // [B, heads, T, T]
    const context = np.matmul(nn.softmax(scores, -1), vh) // [B, heads, T, head_dim]
      .transpose([0, 2, 1, 3]).reshape([n, heads * d]);
    x = x.add(project(context, params, `${p}.self_attn.o_proj`, lora));
    const m = rmsNorm(x.ref, param(params, `${p}.post_attention_layernorm.weight`), eps); // [N, hidden]
    const gate = project(m.ref, params, `${p}.mlp.gate_proj`, lora); // [N, intermediate]
    const up = project(m, params, `${p}.mlp.up_proj`, lora); // [N, intermediate]
    x = x.add(project(nn.silu(gate).mul(up), params, `${p}.mlp.down_proj`, lora));
  }
  const hidden = rmsNorm(x, param(params, "model.norm.weight"), eps); // [N, hidden]
  const head = config.tie_word_embeddings
    ? embed.transpose([1, 0]) // [hidden, vocab]
    : param(params, "lm_head.weight"); // [hidden, vocab]
  return { hidden, head };
}

/**
 * Logits of every position: tokens int32 [B, T] -> [B * T, vocab]. Consumes `params` (and
 * `lora`) and `tokens`; leaves `tables` alive.
 *
 * @example
 * ```ts
 * const logits = llamaLogits(config, refParams(params), tokens, tables); // [B*T, vocab]
 * ```
 */
export function llamaLogits(
  config: LlamaConfig,
  params: TrainParams,
  tokens: np.Array,
  tables: ForwardTables,
  lora?: LoraForward,
): np.Array {
  const { hidden, head } = llamaHidden(config, params, tokens, tables, lora);
  return np.matmul(hidden, head); // [N, vocab]
}
