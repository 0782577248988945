/**
 * Min-p filtering (Nguyen et al. 2024), with the Hugging Face rule: drop tokens whose
 * probability is below `minP` times the probability of the most likely token.
 *
 * @module
 */
import { checkRowBuffers, copyIfDistinct } from "./buffers.ts";
import { SamplingInputError } from "./errors.ts";
import { maxLogit } from "./softmax.ts";

/**
 * Sets to -Infinity every logit whose probability is below `minP * maxProbability`. Since
 * `p_i / p_max = exp(logit_i - max)`, the test runs on logits directly:
 * `logit_i - max < ln(minP)`; no softmax is needed. The most likely token is always kept.
 * `minP = 0` keeps everything. O(vocab), no allocation.
 *
 * @param logits one row of logits. Shape `[vocab]`.
 * @param out where the result goes; may be `logits` itself. Shape `[vocab]`.
 * @param minP in [0, 1).
 * @returns `out`.
 * @throws {SamplingInputError} when `minP` is outside [0, 1).
 *
 * @example
 * ```ts
 * // probabilities 0.6, 0.3, 0.1 with min_p 0.25: keeps tokens with p >= 0.15
 * applyMinP(Float32Array.from([0.6, 0.3, 0.1].map(Math.log)), out, 0.25); // out[2] = -Infinity
 * ```
 */
export function applyMinP(logits: Float32Array, out: Float32Array, minP: number): Float32Array {
  checkRowBuffers("min-p", logits, out);
  if (!(minP >= 0 && minP < 1)) {
    throw new SamplingInputError(
      `Cannot apply min-p as 'minP' must be in [0, 1): current value is ${minP}`,
    );
  }
  const max = maxLogit(logits);
  if (minP === 0 || max === -Infinity) {
    copyIfDistinct(logits, out);
    return out;
  }
  const logMinP = Math.log(minP);
  for (let i = 0; i < logits.length; i++) {
    const l = logits[i]!;
    // With max = +Infinity only the infinite logits survive (Infinity - Infinity is NaN, so
    // compare them explicitly).
    out[i] = l === max || l - max >= logMinP ? l : -Infinity;
  }
  return out;
}
