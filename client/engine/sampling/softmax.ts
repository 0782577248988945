/**
 * Numerically stable softmax and log-softmax over one row of logits, for the sampler and for
 * callers that need the probability of given token ids (speculative decoding's acceptance
 * test, Self-RAG's score tokens, `token_logprobs`).
 *
 * Conventions for odd rows: -Infinity logits get probability 0; NaN logits are treated as
 * -Infinity; if some logits are +Infinity they share all the mass; a row with no finite
 * logit has total mass 0 (callers decide what that means; the samplers throw).
 *
 * @module
 */
import { checkRowBuffers, checkTokenId } from "./buffers.ts";

/**
 * The largest logit of the row, ignoring NaN; -Infinity when there is none.
 *
 * @param logits one row of logits. Shape `[vocab]`.
 */
export function maxLogit(logits: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  return max;
}

/**
 * Writes the unnormalized weights `exp(logits[i] - max)` into `out` and returns their sum
 * (accumulated in float64). O(vocab), no allocation.
 *
 * @param logits one row of logits. Shape `[vocab]`.
 * @param out the weights; may be `logits` itself. Shape `[vocab]`.
 * @returns the total weight (0 when no logit is finite or +Infinity).
 */
export function expShiftedInto(logits: Float32Array, out: Float32Array): number {
  checkRowBuffers("softmax", logits, out);
  const max = maxLogit(logits);
  let total = 0;
  if (max === -Infinity) {
    out.fill(0);
    return 0;
  }
  if (max === Infinity) {
    for (let i = 0; i < logits.length; i++) {
      const w = logits[i] === Infinity ? 1 : 0;
      out[i] = w;
      total += w;
    }
    return total;
  }
  for (let i = 0; i < logits.length; i++) {
    const l = logits[i]!;
    const w = l > -Infinity ? Math.exp(l - max) : 0; // masked and NaN logits skip the exp
    out[i] = w;
    total += out[i]!; // the stored float32 value, so the sum matches what samplers walk
  }
  return total;
}

/**
 * Writes `softmax(logits)` into `out` (numerically stable: shifted by the max). All zeros when
 * the row has no finite logit. O(vocab), no allocation.
 *
 * @param logits one row of logits. Shape `[vocab]`.
 * @param out the probabilities; may be `logits` itself. Shape `[vocab]`.
 * @returns `out`.
 *
 * @example
 * ```ts
 * softmaxInto(Float32Array.of(0, Math.log(3)), out); // out ≈ [0.25, 0.75]
 * ```
 */
export function softmaxInto(logits: Float32Array, out: Float32Array): Float32Array {
  const total = expShiftedInto(logits, out);
  if (total > 0) {
    const inv = 1 / total;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! * inv;
  }
  return out;
}

/**
 * `log(sum(exp(logits)))`, computed stably. -Infinity when no logit is finite; +Infinity when
 * some logit is +Infinity.
 *
 * @param logits one row of logits. Shape `[vocab]`.
 */
export function logSumExp(logits: Float32Array): number {
  const max = maxLogit(logits);
  if (max === -Infinity || max === Infinity) return max;
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    const l = logits[i]!;
    if (l === l) total += Math.exp(l - max);
  }
  return max + Math.log(total);
}

/**
 * Writes `log(softmax(logits))` into `out`: `logits[i] - logSumExp(logits)`. -Infinity for
 * masked tokens. O(vocab), no allocation.
 *
 * @param logits one row of logits. Shape `[vocab]`.
 * @param out the log-probabilities; may be `logits` itself. Shape `[vocab]`.
 * @returns `out`.
 */
export function logSoftmaxInto(logits: Float32Array, out: Float32Array): Float32Array {
  checkRowBuffers("log-softmax", logits, out);
  const lse = logSumExp(logits);
  if (lse === Infinity) {
    const share = -Math.log(countInfinite(logits));
    for (let i = 0; i < logits.length; i++) out[i] = logits[i] === Infinity ? share : -Infinity;
    return out;
  }
  for (let i = 0; i < logits.length; i++) {
    const l = logits[i]!;
    out[i] = l === l && lse !== -Infinity ? l - lse : -Infinity;
  }
  return out;
}

/**
 * The log-probability of one token id under `softmax(logits)`, without writing a buffer.
 * Pass a precomputed `lse` (from {@link logSumExp}) when asking for several ids of one row.
 *
 * @param logits one row of logits. Shape `[vocab]`.
 * @param tokenId the id in [0, vocab).
 * @param lse `logSumExp(logits)`, computed when omitted.
 * @throws {SamplingInputError} when `tokenId` is outside the row.
 *
 * @example
 * ```ts
 * const lse = logSumExp(row);
 * const relevant = tokenLogprob(row, relevantId, lse), irrelevant = tokenLogprob(row, irrelevantId, lse);
 * ```
 */
export function tokenLogprob(logits: Float32Array, tokenId: number, lse?: number): number {
  checkTokenId("tokenId", tokenId, logits.length);
  const total = lse ?? logSumExp(logits);
  const l = logits[tokenId]!;
  if (total === Infinity) return l === Infinity ? -Math.log(countInfinite(logits)) : -Infinity;
  if (l !== l || total === -Infinity) return -Infinity;
  return l - total;
}

/** How many logits are +Infinity (they share the mass equally). */
function countInfinite(logits: Float32Array): number {
  let n = 0;
  for (let i = 0; i < logits.length; i++) if (logits[i] === Infinity) n++;
  return n;
}
