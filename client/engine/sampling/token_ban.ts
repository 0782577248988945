/**
 * Banning token ids (special tokens, Quiet-STaR thought markers, ...) from being sampled.
 *
 * @module
 */
import { checkRowBuffers, checkTokenId, copyIfDistinct } from "./buffers.ts";

/**
 * Sets the logits of `bannedIds` to -Infinity, so no sampler can pick them. O(vocab) for the
 * copy when `out !== logits`, plus O(banned); no allocation.
 *
 * @param logits one row of logits. Shape `[vocab]`.
 * @param out where the result goes; may be `logits` itself. Shape `[vocab]`.
 * @param bannedIds token ids in [0, vocab); duplicates are harmless.
 * @returns `out`.
 * @throws {SamplingInputError} when an id is outside the vocabulary.
 *
 * @example
 * ```ts
 * applyTokenBan(row, row, Uint32Array.of(eotId, startOfThoughtId));
 * ```
 */
export function applyTokenBan(
  logits: Float32Array,
  out: Float32Array,
  bannedIds: ArrayLike<number>,
): Float32Array {
  checkRowBuffers("the token ban", logits, out);
  copyIfDistinct(logits, out);
  for (let i = 0; i < bannedIds.length; i++) {
    const id = bannedIds[i]!;
    checkTokenId("bannedIds", id, logits.length);
    out[id] = -Infinity;
  }
  return out;
}
