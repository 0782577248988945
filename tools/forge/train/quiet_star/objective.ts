/**
 * The Quiet-STaR objective at small scale (Zelikman et al. 2024), as one traceable jax-js
 * function: 0.5 NLL(base) over the batch's trained tokens + 0.5 NLL of the mixed
 * post-thought logits on the next m true tokens after each branch + REINFORCE on the sampled
 * thought tokens, rewarded by the log-likelihood gain of the true continuation over the mean
 * of the K thoughts at that position. The reward reads the post-thought (unmixed)
 * log-likelihood: with the zero-initialized head (w = 0) the mixed one is the same for every
 * thought, so it would give the thoughts no signal until w moved, and w has no reason to move
 * before the thoughts help. Every selection is a one-hot matmul (take's gradient
 * does not jit in jax-js 0.1.25); shapes are static for a given {@link QsShape}.
 *
 * @module
 */
import { lax, nn, numpy as np } from "@jax-js/jax";
import type { LlamaConfig } from "../../llama_config.ts";
import { type ForwardTables, llamaHidden, type TrainParams } from "../model.ts";
import { isHeadParam, mixingWeight } from "./mixing_head.ts";

/** Static sizes of a Quiet-STaR batch. */
export interface QsShape {
  /** Examples per batch. */
  readonly batch: number;
  /** Base sequence length (examples right-padded). */
  readonly seq: number;
  /** Branch positions per example. */
  readonly positions: number;
  /** Thoughts per position. */
  readonly k: number;
  /** Thought tokens per thought. */
  readonly t: number;
  /** True tokens scored after each thought. */
  readonly ahead: number;
}

/** Length of a thought sequence: seq + t + 2 (room for the markers). */
export function thoughtSeqLength(s: QsShape): number {
  return s.seq + s.t + 2;
}

/** Thought rows of a batch: batch * positions * k. */
export function thoughtRows(s: QsShape): number {
  return s.batch * s.positions * s.k;
}

/** One Quiet-STaR batch on the device (R = thought rows, S = thought sequence length). */
export interface QsDeviceBatch {
  /** Base input ids. // int32 [B, L] */
  readonly baseInputs: np.Array;
  /** Base next-token targets. // int32 [B * L] */
  readonly baseTargets: np.Array;
  /** Base loss weights, summing to 1. // float32 [B * L] */
  readonly baseWeights: np.Array;
  /** Thought sequences: x_0..x_i, SOT, thoughts, EOT, x_{i+1}.., padding. // int32 [R, S] */
  readonly thoughtInputs: np.Array;
  /** One-hot of the SOT position. // float32 [R, 1, S] */
  readonly selSot: np.Array;
  /** One-hot of the post-thought positions EOT + j, j < m. // float32 [R, m, S] */
  readonly selPost: np.Array;
  /** One-hot of the positions predicting thought token q, q < t. // float32 [R, t, S] */
  readonly selThought: np.Array;
  /** Sampled thought tokens. // int32 [R * t] */
  readonly thoughtIds: np.Array;
  /** One-hot of base positions i + j, rows in (p, k, j) order. // float32 [B, P * K * m, L] */
  readonly selBase: np.Array;
  /** True continuation x_{i+1+j}. // int32 [R * m] */
  readonly postTargets: np.Array;
  /** Additive logit mask of the markers (-1e9) for the thought log-probs. // float32 [V] */
  readonly markerMask: np.Array;
}

/** Split a merged parameter dict into the base model's and the head's. */
export function splitParams(params: TrainParams): { base: TrainParams; head: TrainParams } {
  const base: TrainParams = {};
  const head: TrainParams = {};
  for (const [name, p] of Object.entries(params)) {
    if (isHeadParam(name)) head[name] = p;
    else base[name] = p;
  }
  return { base, head };
}

/** sum(logp * onehot(targets)) per row; consumes both. // [N] */
function picked(logp: np.Array, targets: np.Array, vocab: number): np.Array {
  return logp.mul(nn.oneHot(targets, vocab).astype(np.float32)).sum(-1);
}

/**
 * The objective: `[loss, [baseNll, mixedNll, reinforce, meanW, meanGain]]` (all scalars;
 * meanGain = mean over thoughts of log p_mixed(continuation) - log p_base(continuation)).
 * Consumes params and the batch; leaves the tables alive.
 */
export function quietStarLoss(
  config: LlamaConfig,
  shape: QsShape,
  params: TrainParams,
  batch: QsDeviceBatch,
  baseTables: ForwardTables,
  thoughtTables: ForwardTables,
): [np.Array, np.Array[]] {
  const { batch: B, seq: L, positions: P, k: K, t, ahead: m } = shape;
  const R = thoughtRows(shape);
  const S = thoughtSeqLength(shape);
  const V = config.vocab_size;
  const { base, head } = splitParams(params);
  // Base pass over the examples.
  const b = llamaHidden(config, paramsRef(base), batch.baseInputs, baseTables);
  const hb = b.hidden; // [B * L, H]
  const baseLogits = np.matmul(hb.ref, b.head.ref); // [B * L, V]
  const baseNll = picked(nn.logSoftmax(baseLogits, -1), batch.baseTargets, V)
    .mul(batch.baseWeights).sum().neg(); // []
  const baseAt = np.matmul(batch.selBase, hb.reshape([B, L, -1])) // [B, P*K*m, H]
    .reshape([R * m, -1]); // [R * m, H]
  const baseCont = np.matmul(baseAt, b.head); // [R * m, V]
  // Thought pass.
  const th = llamaHidden(config, base, batch.thoughtInputs, thoughtTables);
  const ht = th.hidden.reshape([R, S, -1]); // [R, S, H]
  const hSot = np.matmul(batch.selSot, ht.ref); // [R, 1, H]
  const hPost = np.matmul(batch.selPost, ht.ref).reshape([R * m, -1]); // [R * m, H]
  const hThought = np.matmul(batch.selThought, ht).reshape([R * t, -1]); // [R * t, H]
  const hBase = np.repeat(hSot, m, 1).reshape([R * m, -1]); // [R * m, H]
  const w = mixingWeight(head, hBase, hPost.ref); // [R * m, 1]
  const postLogits = np.matmul(hPost, th.head.ref); // [R * m, V]
  const logpPost = picked(nn.logSoftmax(postLogits.ref, -1), batch.postTargets.ref, V); // [R * m]
  const mixed = baseCont.ref.mul(w.ref.neg().add(1)).add(postLogits.mul(w.ref)); // [R * m, V]
  const logpMixed = picked(nn.logSoftmax(mixed, -1), batch.postTargets.ref, V); // [R * m]
  const logpBase = picked(nn.logSoftmax(baseCont, -1), batch.postTargets, V); // [R * m]
  const mixedNll = logpMixed.ref.mean().neg(); // []
  // REINFORCE: reward = log p(continuation | thought) minus the mean over the K thoughts.
  const cont = lax.stopGradient(logpPost.reshape([B * P, K, m]).sum(-1)); // [B * P, K]
  const adv = cont.ref.sub(cont.mean(-1, { keepdims: true })).reshape([R]); // [R]
  const mixedCont = lax.stopGradient(logpMixed.reshape([B * P, K, m]).sum(-1)); // [B * P, K]
  const baseSum = lax.stopGradient(logpBase.reshape([B * P, K, m]).sum(-1)); // [B * P, K]
  const gain = mixedCont.sub(baseSum).mean(); // []
  const thLogits = np.matmul(hThought, th.head).add(batch.markerMask); // [R * t, V]
  const thLogp = picked(nn.logSoftmax(thLogits, -1), batch.thoughtIds, V) // [R * t]
    .reshape([R, t]).sum(-1); // [R]
  const reinforce = thLogp.mul(adv).mean().neg(); // []
  const loss = baseNll.ref.mul(0.5).add(mixedNll.ref.mul(0.5)).add(reinforce.ref); // []
  const meanW = lax.stopGradient(w.mean()); // []
  return [loss, [baseNll, mixedNll, reinforce, meanW, gain]];
}

/** A shallow copy with one extra reference on every array (the base is read twice). */
function paramsRef(params: TrainParams): TrainParams {
  const out: TrainParams = {};
  for (const [name, p] of Object.entries(params)) out[name] = p.ref;
  return out;
}
