/**
 * Repetition penalty (Keskar et al. 2019, CTRL), with the Hugging Face rule: for every token id
 * the row has seen, a positive logit is divided by the penalty and a negative one multiplied.
 *
 * @module
 */
import { checkRowBuffers, copyIfDistinct } from "./buffers.ts";
import { SamplingInputError } from "./errors.ts";
import type { TokenHistory } from "./token_history.ts";

/**
 * The penalized value of one logit: `logit > 0 ? logit / penalty : logit * penalty`.
 *
 * @example
 * ```ts
 * penalizeLogit(2, 1.5); // 1.3333
 * penalizeLogit(-2, 1.5); // -3
 * ```
 */
export function penalizeLogit(logit: number, penalty: number): number {
  return logit > 0 ? logit / penalty : logit * penalty;
}

/**
 * Applies the repetition penalty to one row of logits. Each distinct seen id is penalized
 * once, however often it occurred. Cost O(vocab) for the copy when `out !== logits`, plus
 * O(distinct seen ids); no allocation.
 *
 * @param logits one row of logits. Shape `[vocab]`.
 * @param out where the result goes; may be `logits` itself. Shape `[vocab]`.
 * @param history the ids seen by this row (prompt + generated).
 * @param penalty > 0; 1 leaves the logits unchanged, > 1 discourages repeats.
 * @returns `out`.
 * @throws {SamplingInputError} when `penalty` is not > 0 or the buffer lengths differ.
 */
export function applyRepetitionPenalty(
  logits: Float32Array,
  out: Float32Array,
  history: TokenHistory,
  penalty: number,
): Float32Array {
  checkRowBuffers("the repetition penalty", logits, out);
  if (!(penalty > 0) || !Number.isFinite(penalty)) {
    throw new SamplingInputError(
      `Cannot apply the repetition penalty as 'penalty' must be a finite number greater than 0: current value is ${penalty}`,
    );
  }
  if (history.vocabSize !== logits.length) {
    throw new SamplingInputError(
      `Cannot apply the repetition penalty as 'history.vocabSize' must equal the logits length (${logits.length}): current value is ${history.vocabSize}`,
    );
  }
  copyIfDistinct(logits, out);
  if (penalty === 1) return out;
  const ids = history.distinctIds();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    out[id] = penalizeLogit(logits[id]!, penalty);
  }
  return out;
}
