/**
 * Top-k filtering.
 *
 * @module
 */
import { checkRowBuffers, checkScratch, copyIfDistinct } from "./buffers.ts";
import { SamplingInputError } from "./errors.ts";
import { kthLargest } from "./select.ts";

/**
 * Keeps the `k` largest logits of one row and sets the rest to -Infinity. As in Hugging Face
 * (`scores < topk(scores, k)[-1]` is removed), logits tied with the k-th largest are kept too,
 * so a row may keep more than `k` tokens when there are ties. `k = 0` or `k >= vocab` keeps
 * everything. Expected O(vocab) (quickselect, no sort); the scratch buffer `work` is reused,
 * nothing is allocated.
 *
 * @param logits one row of logits. Shape `[vocab]`.
 * @param out where the result goes; may be `logits` itself. Shape `[vocab]`.
 * @param k how many tokens to keep; integer >= 0, 0 = off.
 * @param work scratch, overwritten. Shape `[>= vocab]`.
 * @returns `out`.
 * @throws {SamplingInputError} when `k` is not an integer >= 0 or a buffer is too short.
 *
 * @example
 * ```ts
 * applyTopK(Float32Array.of(1, 3, 2), out, 2, work); // out = [-Infinity, 3, 2]
 * ```
 */
export function applyTopK(
  logits: Float32Array,
  out: Float32Array,
  k: number,
  work: Float32Array,
): Float32Array {
  checkRowBuffers("top-k", logits, out);
  if (!Number.isInteger(k) || k < 0) {
    throw new SamplingInputError(
      `Cannot apply top-k as 'k' must be an integer >= 0: current value is ${k}`,
    );
  }
  const n = logits.length;
  if (k === 0 || k >= n) {
    copyIfDistinct(logits, out);
    return out;
  }
  checkScratch("top-k", "work", work, n);
  for (let i = 0; i < n; i++) {
    const l = logits[i]!;
    work[i] = l === l ? l : -Infinity; // NaN ranks last
  }
  const threshold = kthLargest(work, n, k);
  for (let i = 0; i < n; i++) {
    const l = logits[i]!;
    out[i] = l >= threshold ? l : -Infinity;
  }
  return out;
}
