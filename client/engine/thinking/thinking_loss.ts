/**
 * Next-token loss of a text under Quiet-STaR decoding, with the engine's own thought code:
 * one prefill pass over the text gives the base logits at every position and the KV cache;
 * at each scored position the prefix's cache is branched (one right-aligned row per
 * position), `thinkAndMix` runs K thoughts of t tokens and mixes, exactly as in generation,
 * and the true next token's log-probability is read under the base and the mixed logits.
 *
 * @module
 */
import type { Decoder } from "../decoder.ts";
import { repackKv } from "../kv_layout.ts";
import { createRng } from "../sampling/rng.ts";
import type { ThinkingOptions } from "./options.ts";
import { RowThinking } from "./row_thinking.ts";
import { thinkAndMix, type ThoughtJob } from "./thought_batch.ts";

/** A scored text: token ids and the first index whose token is scored (>= 1). */
export interface ScoredText {
  readonly ids: readonly number[];
  readonly from: number;
}

/** Per-token log-probabilities of the scored tokens. */
export interface TextLogProbs {
  /** log p_base(x_i | x_<i) for i in [from, ids.length). */
  readonly base: number[];
  /** The same under the mixed (thinking) logits. */
  readonly thinking: number[];
  /** Mean w over the scored positions. */
  readonly meanW: number;
}

/** log softmax(logits)[target]. */
export function logProbAt(logits: Float32Array, target: number): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let z = 0;
  for (let i = 0; i < logits.length; i++) z += Math.exp(logits[i]! - max);
  return logits[target]! - max - Math.log(z);
}

/**
 * Score one text; `chunk` positions think as one batch (K rows each). Thoughts draw from
 * the seeded stream `(seed, position)`, so a run is reproducible.
 *
 * @example
 * ```ts
 * const lp = await thinkingLogProbs(decoder, { ids, from: 12 }, options, 1);
 * ```
 */
export async function thinkingLogProbs(
  decoder: Decoder,
  text: ScoredText,
  options: ThinkingOptions,
  seed: number,
  chunk = 16,
): Promise<TextLogProbs> {
  const T = text.ids.length;
  if (text.from < 1 || text.from >= T) {
    throw new RangeError(
      `Cannot score a text as 'from' must be in [1, ${T - 1}]: current value is ${text.from}`,
    );
  }
  const V = decoder.vocabSize;
  const out = await decoder.step({
    inputIds: BigInt64Array.from(text.ids.map(BigInt)),
    attentionMask: new BigInt64Array(T).fill(1n),
    positionIds: BigInt64Array.from({ length: T }, (_, i) => BigInt(i)),
    batch: 1,
    seq: T,
    past: decoder.emptyKv(1),
  });
  const base: number[] = [];
  const thinking: number[] = [];
  let sumW = 0;
  try {
    for (let c = text.from; c < T; c += chunk) {
      const positions = Array.from({ length: Math.min(chunk, T - c) }, (_, j) => c + j);
      // Position p predicts ids[p] from the prefix ids[0..p-1] (len p).
      const kv = await repackKv(
        [out.present],
        positions.map((p) => ({ source: 0, row: 0, start: 0, len: p })),
        decoder.shape,
      );
      const jobs: ThoughtJob[] = positions.map((p, row) => ({
        thinking: new RowThinking(
          options,
          createRng(seed, p),
          V,
          decoder.config.max_position_embeddings,
        ),
        row,
        len: p,
        logits: out.logits.slice((p - 1) * V, p * V),
      }));
      positions.forEach((p) =>
        base.push(logProbAt(out.logits.subarray((p - 1) * V, p * V), text.ids[p]!))
      );
      try {
        await thinkAndMix(decoder, kv, jobs);
      } finally {
        decoder.disposeKv(kv);
      }
      jobs.forEach((job, j) => {
        thinking.push(logProbAt(job.logits, text.ids[positions[j]!]!));
        sumW += job.thinking.stats(1).mean_w;
      });
    }
  } finally {
    decoder.disposeKv(out.present);
  }
  return { base, thinking, meanW: sumW / Math.max(1, thinking.length) };
}
