/**
 * One-layer transformer for modular arithmetic (Nanda et al. 2023): token and learned positional
 * embeddings, multi-head attention, a ReLU MLP, no LayerNorm, logits read at the last position.
 *
 * Input rows are [a, b, "="]. Only the last position's logits are used, and in a one-layer model
 * its residual depends only on its own query, so the query is computed for the last position
 * alone (exact, and a third of the work). Token lookups are one-hot matmuls because the
 * scatter-add behind `take`'s gradient is slow on wasm.
 *
 * @module
 */
import { nn, numpy as np } from "@jax-js/jax";
import { z } from "zod";
import type { LabDtype } from "./device.ts";
import { padTo } from "./losses.ts";
import { initNormal, type Params } from "./params.ts";
import type { Rng } from "./rng.ts";

/** Transformer size (Nanda: d_model 128, 4 heads, d_mlp 512). */
export const TransformerConfig = z.object({
  dModel: z.number().int().positive(),
  heads: z.number().int().positive(),
  dMlp: z.number().int().positive(),
});
/** Transformer size. */
export type TransformerConfig = z.infer<typeof TransformerConfig>;

/** Shapes the transformer needs from its task. */
export type TransformerTask = { vocab: number; classes: number };

/** Draw parameters with Nanda's scales (normal, std 1/sqrt(d_model); unembed 1/sqrt(vocab)). */
export function initTransformer(
  config: TransformerConfig,
  task: TransformerTask,
  rng: Rng,
  dtype: LabDtype,
): Params {
  const { dModel: d, dMlp } = config;
  const v = padTo(task.vocab);
  const s = 1 / Math.sqrt(d);
  return {
    embed: initNormal(rng, [v, d], s, dtype), // [vocab_padded, d_model]
    pos: initNormal(rng, [3, d], s, dtype), // [seq, d_model]
    wq: initNormal(rng, [d, d], s, dtype), // [d_model, heads * d_head]
    wk: initNormal(rng, [d, d], s, dtype), // [d_model, heads * d_head]
    wv: initNormal(rng, [d, d], s, dtype), // [d_model, heads * d_head]
    wo: initNormal(rng, [d, d], s, dtype), // [heads * d_head, d_model]
    win: initNormal(rng, [d, dMlp], s, dtype), // [d_model, d_mlp]
    bin: initNormal(rng, [dMlp], 0, dtype), // [d_mlp]
    wout: initNormal(rng, [dMlp, d], s, dtype), // [d_mlp, d_model]
    bout: initNormal(rng, [d], 0, dtype), // [d_model]
    unembed: initNormal(rng, [d, task.classes], 1 / Math.sqrt(task.vocab), dtype), // [d_model, classes]
  };
}

function take(params: Params, name: string): np.Array {
  const a = params[name];
  if (a === undefined) throw new Error(`Transformer parameters lack '${name}'`);
  return a;
}

/** Logits at the last position: tokens int32 [batch, 3] -> [batch, classes] (consumes all). */
export function transformerApply(
  config: TransformerConfig,
  params: Params,
  tokens: np.Array,
): np.Array {
  const [batch] = tokens.shape as [number, number];
  const { dModel: d, heads } = config;
  const dHead = d / heads;
  const embed = take(params, "embed");
  const vocab = embed.shape[0]!;
  const oneHot = nn.oneHot(tokens.reshape([batch * 3]), vocab).astype(embed.dtype); // [batch*3, vocab]
  const x = np.matmul(oneHot, embed).reshape([batch, 3, d]).add(take(params, "pos")); // [batch, 3, d]
  const last = x.ref.slice([], 2); // [batch, d]
  const q = np.matmul(last.ref, take(params, "wq")).reshape([batch, 1, heads, dHead]);
  const flat = x.reshape([batch * 3, d]);
  const k = np.matmul(flat.ref, take(params, "wk")).reshape([batch, 3, heads, dHead]);
  const v = np.matmul(flat, take(params, "wv")).reshape([batch, 3, heads, dHead]);
  const scores = q.mul(k).sum(-1).mul(1 / Math.sqrt(dHead)); // [batch, 3, heads]
  const attn = nn.softmax(scores, 1).reshape([batch, 3, heads, 1]);
  const z = attn.mul(v).sum(1).reshape([batch, d]); // [batch, heads * d_head]
  const resid = last.add(np.matmul(z, take(params, "wo"))); // [batch, d]
  const hidden = nn.relu(np.matmul(resid.ref, take(params, "win")).add(take(params, "bin")));
  const out = resid.add(np.matmul(hidden, take(params, "wout")).add(take(params, "bout")));
  return np.matmul(out, take(params, "unembed")); // [batch, classes]
}
