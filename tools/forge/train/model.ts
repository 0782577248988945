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
 * Logits of every position: tokens int32 [B, T] -> [B * T, vocab]. Consumes `params` and
 * `tokens`; leaves `tables` alive.
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
): np.Array {
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
      np.matmul(a.ref, param(params, `${p}.self_attn.q_proj.weight`)).reshape([b, t, heads, d]),
      tables,
    );
    let k = rope(
      np.matmul(a.ref, param(params, `${p}.self_attn.k_proj.weight`)).reshape([b, t, kvHeads, d]),
      tables,
    );
    let v = np.matmul(a, param(params, `${p}.self_attn.v_proj.weight`)).reshape([b, t, kvHeads, d]);
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
    x = x.add(np.matmul(context, param(params, `${p}.self_attn.o_proj.weight`)));
    const m = rmsNorm(x.ref, param(params, `${p}.post_attention_layernorm.weight`), eps); // [N, hidden]
    const gate = np.matmul(m.ref, param(params, `${p}.mlp.gate_proj.weight`)); // [N, intermediate]
    const up = np.matmul(m, param(params, `${p}.mlp.up_proj.weight`)); // [N, intermediate]
    x = x.add(np.matmul(nn.silu(gate).mul(up), param(params, `${p}.mlp.down_proj.weight`)));
  }
  const final = rmsNorm(x, param(params, "model.norm.weight"), eps); // [N, hidden]
  const head = config.tie_word_embeddings
    ? embed.transpose([1, 0]) // [hidden, vocab]
    : param(params, "lm_head.weight"); // [hidden, vocab]
  return np.matmul(final, head); // [N, vocab]
}

/**
 * Mean next-token cross-entropy over the positions with weight: `weights` float32 [B * T]
 * sums to 1 over the trained positions. Consumes everything but `tables`.
 *
 * @example
 * ```ts
 * const loss = llamaLoss(config, refParams(params), inputs, targets, weights, tables); // scalar
 * ```
 */
export function llamaLoss(
  config: LlamaConfig,
  params: TrainParams,
  inputs: np.Array,
  targets: np.Array,
  weights: np.Array,
  tables: ForwardTables,
): np.Array {
  const logits = llamaLogits(config, params, inputs, tables); // [N, vocab]
  const n = logits.shape[0]!;
  const logp = nn.logSoftmax(logits, -1); // [N, vocab]
  const picked = logp.mul(nn.oneHot(targets.reshape([n]), config.vocab_size).astype(np.float32))
    .sum(-1); // [N]
  return picked.mul(weights).sum().neg();
}
