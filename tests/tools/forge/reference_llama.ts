/**
 * An independent reference forward pass of a Llama decoder in plain TypeScript (float64
 * accumulation), written straight from the Hugging Face modeling_llama definitions and
 * sharing no code with the ONNX graph builder. It runs one sequence at a time with its own
 * KV cache, so a padded batch run through ONNX can be checked against unpadded rows.
 *
 * @module
 */
import type { LlamaConfig } from "../../../tools/forge/llama_config.ts";
import type { LlamaWeights } from "../../../tools/forge/weights.ts";

/** KV cache of one sequence: per layer, per KV head, one head_dim vector per position. */
export interface ReferenceCache {
  /** keys[layer][kvHead][position] // head_dim values each */
  readonly keys: Float64Array[][][];
  /** values[layer][kvHead][position] // head_dim values each */
  readonly values: Float64Array[][][];
}

/** Reference Llama over HF-named weights. */
export class ReferenceLlama {
  readonly #config: LlamaConfig;
  readonly #weights: LlamaWeights;

  /** Wrap a config and its weights (not copied). */
  constructor(config: LlamaConfig, weights: LlamaWeights) {
    this.#config = config;
    this.#weights = weights;
  }

  /** An empty cache for one sequence. */
  newCache(): ReferenceCache {
    const c = this.#config;
    const empty = () =>
      Array.from(
        { length: c.num_hidden_layers },
        () => Array.from({ length: c.num_key_value_heads }, () => [] as Float64Array[]),
      );
    return { keys: empty(), values: empty() };
  }

  /**
   * Run `tokens` at `positions` after whatever `cache` holds (full causal attention over the
   * cache), append their K/V to the cache, and return one logits row per token.
   */
  forward(
    cache: ReferenceCache,
    tokens: readonly number[],
    positions: readonly number[],
  ): Float64Array[] {
    const c = this.#config;
    return tokens.map((token, t) => {
      let x = this.#row("model.embed_tokens.weight", token); // [hidden]
      for (let l = 0; l < c.num_hidden_layers; l++) {
        const p = `model.layers.${l}`;
        const attn = this.#attention(
          cache,
          l,
          this.#norm(x, `${p}.input_layernorm.weight`),
          positions[t]!,
        );
        x = add(x, attn);
        const h = this.#norm(x, `${p}.post_attention_layernorm.weight`);
        const gate = this.#linear(`${p}.mlp.gate_proj.weight`, h);
        const up = this.#linear(`${p}.mlp.up_proj.weight`, h);
        const act = gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]!);
        x = add(x, this.#linear(`${p}.mlp.down_proj.weight`, act));
      }
      const head = c.tie_word_embeddings ? "model.embed_tokens.weight" : "lm_head.weight";
      return this.#linear(head, this.#norm(x, "model.norm.weight")); // [vocab]
    });
  }

  /**
   * Greedy continuation: run the prompt, then append argmax tokens until `maxNewTokens`
   * or an id in `eos`. Returns the new tokens and, per step, the gap between the best and
   * second-best logit (to show the choice is not a near-tie).
   */
  greedy(
    prompt: readonly number[],
    maxNewTokens: number,
    eos: readonly number[],
  ): { tokens: number[]; margins: number[] } {
    const cache = this.newCache();
    let logits = this.forward(cache, prompt, prompt.map((_, i) => i)).at(-1)!;
    const tokens: number[] = [];
    const margins: number[] = [];
    for (let step = 0; step < maxNewTokens; step++) {
      const [best, margin] = argmaxWithMargin(logits);
      tokens.push(best);
      margins.push(margin);
      if (eos.includes(best)) break;
      logits = this.forward(cache, [best], [prompt.length + step])[0]!;
    }
    return { tokens, margins };
  }

  #attention(
    cache: ReferenceCache,
    layer: number,
    x: Float64Array,
    position: number,
  ): Float64Array {
    const c = this.#config;
    const d = c.head_dim;
    const p = `model.layers.${layer}.self_attn`;
    const q = this.#linear(`${p}.q_proj.weight`, x); // [heads * head_dim]
    const k = this.#linear(`${p}.k_proj.weight`, x); // [kv_heads * head_dim]
    const v = this.#linear(`${p}.v_proj.weight`, x); // [kv_heads * head_dim]
    for (let h = 0; h < c.num_key_value_heads; h++) {
      cache.keys[layer]![h]!.push(this.#rope(k.subarray(h * d, (h + 1) * d), position));
      cache.values[layer]![h]!.push(v.slice(h * d, (h + 1) * d));
    }
    const group = c.num_attention_heads / c.num_key_value_heads;
    const out = new Float64Array(c.num_attention_heads * d); // [heads * head_dim]
    for (let h = 0; h < c.num_attention_heads; h++) {
      const qh = this.#rope(q.subarray(h * d, (h + 1) * d), position);
      const keys = cache.keys[layer]![Math.floor(h / group)]!;
      const values = cache.values[layer]![Math.floor(h / group)]!;
      const scores = keys.map((kj) => dot(qh, kj) / Math.sqrt(d));
      const max = Math.max(...scores);
      const exps = scores.map((s) => Math.exp(s - max));
      const total = exps.reduce((a, b) => a + b, 0);
      for (let j = 0; j < keys.length; j++) {
        const w = exps[j]! / total;
        for (let i = 0; i < d; i++) out[h * d + i]! += w * values[j]![i]!;
      }
    }
    return this.#linear(`${p}.o_proj.weight`, out);
  }

  /** HF rotate-half RoPE; the angle is rounded to float32 as transformers computes it. */
  #rope(x: Float64Array, position: number): Float64Array {
    const c = this.#config;
    const half = c.head_dim / 2;
    const out = new Float64Array(c.head_dim);
    for (let i = 0; i < half; i++) {
      const invFreq = Math.fround(1 / c.rope_theta ** ((2 * i) / c.head_dim));
      const angle = Math.fround(position * invFreq);
      const cos = Math.cos(angle);
      const sin = Math.sin(angle);
      out[i] = x[i]! * cos - x[i + half]! * sin;
      out[i + half] = x[i + half]! * cos + x[i]! * sin;
    }
    return out;
  }

  #norm(x: Float64Array, weightName: string): Float64Array {
    const w = this.#tensor(weightName).data;
    const meanSquare = dot(x, x) / x.length;
    const inv = 1 / Math.sqrt(meanSquare + this.#config.rms_norm_eps);
    return x.map((v, i) => v * inv * w[i]!);
  }

  /** y = W x with W [out, in] in HF layout. */
  #linear(weightName: string, x: Float64Array): Float64Array {
    const w = this.#tensor(weightName);
    const [out, inp] = w.shape as [number, number];
    const y = new Float64Array(out);
    for (let o = 0; o < out; o++) {
      let sum = 0;
      for (let i = 0; i < inp; i++) sum += w.data[o * inp + i]! * x[i]!;
      y[o] = sum;
    }
    return y;
  }

  #row(weightName: string, index: number): Float64Array {
    const w = this.#tensor(weightName);
    const width = w.shape[1]!;
    return Float64Array.from(w.data.subarray(index * width, (index + 1) * width));
  }

  #tensor(name: string) {
    const t = this.#weights.get(name);
    if (t === undefined) throw new Error(`reference model is missing tensor '${name}'`);
    return t;
  }
}

/** Index of the largest value and its gap to the runner-up. */
export function argmaxWithMargin(values: ArrayLike<number>): [number, number] {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  let second = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (i !== best && values[i]! > second) second = values[i]!;
  }
  return [best, values[best]! - second];
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v + b[i]!);
}
