/**
 * Top-p (nucleus) filtering, Holtzman et al. 2020.
 *
 * @module
 */
import { checkRowBuffers, checkScratch, copyIfDistinct } from "./buffers.ts";
import { SamplingInputError } from "./errors.ts";
import { massThreshold } from "./select.ts";
import { expShiftedInto } from "./softmax.ts";

/**
 * Keeps the nucleus of one row: the most probable tokens whose total probability first reaches
 * `topP`, and sets the rest to -Infinity. Precisely, a token is kept iff the probability mass of
 * the tokens strictly more probable than it is below `topP`; so the most probable token is
 * always kept, and tokens tied with the last one in are kept too (no arbitrary tie order).
 * `topP = 1` keeps everything.
 *
 * Expected O(vocab) (a mass-weighted quickselect, no sort). Reuses two scratch buffers,
 * allocates nothing.
 *
 * @param logits one row of logits. Shape `[vocab]`.
 * @param out where the result goes; may be `logits` itself. Shape `[vocab]`.
 * @param topP in (0, 1].
 * @param weights scratch: receives exp(logit - max). Shape `[>= vocab]`.
 * @param work scratch, overwritten. Shape `[>= vocab]`.
 * @returns `out`.
 * @throws {SamplingInputError} when `topP` is outside (0, 1] or a buffer is too short.
 *
 * @example
 * ```ts
 * // probabilities 0.5, 0.3, 0.2 -> top_p 0.7 keeps the first two
 * applyTopP(Float32Array.from([0.5, 0.3, 0.2].map(Math.log)), out, 0.7, weights, work);
 * ```
 */
export function applyTopP(
  logits: Float32Array,
  out: Float32Array,
  topP: number,
  weights: Float32Array,
  work: Float32Array,
): Float32Array {
  checkRowBuffers("top-p", logits, out);
  if (!(topP > 0 && topP <= 1)) {
    throw new SamplingInputError(
      `Cannot apply top-p as 'topP' must be in (0, 1]: current value is ${topP}`,
    );
  }
  if (topP === 1) {
    copyIfDistinct(logits, out);
    return out;
  }
  const n = logits.length;
  checkScratch("top-p", "weights", weights, n);
  checkScratch("top-p", "work", work, n);
  // A view only when the scratch is longer than the row (the pipeline passes exact sizes).
  const w = weights.length === n ? weights : weights.subarray(0, n);
  const total = expShiftedInto(logits, w);
  if (!(total > 0)) {
    copyIfDistinct(logits, out); // nothing is samplable; leave it to the sampler to report
    return out;
  }
  for (let i = 0; i < n; i++) work[i] = w[i]!;
  const threshold = massThreshold(work, n, topP * total);
  for (let i = 0; i < n; i++) out[i] = w[i]! >= threshold ? logits[i]! : -Infinity;
  return out;
}
