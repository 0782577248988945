/**
 * Argument checks shared by the logits processors. They are O(1), so they stay on the hot path.
 *
 * @module
 */
import { SamplingInputError } from "./errors.ts";

/**
 * Checks that `out` can hold one row of `logits`. `out` may be `logits` itself (in place).
 *
 * @param stage the processor's name, for the message.
 * @throws {SamplingInputError} when the lengths differ.
 */
export function checkRowBuffers(stage: string, logits: Float32Array, out: Float32Array): void {
  if (out.length !== logits.length) {
    throw new SamplingInputError(
      `Cannot apply ${stage} as 'out' must have the length of 'logits' (${logits.length}): current value is ${out.length}`,
    );
  }
}

/**
 * Checks that a token id lies in [0, vocabSize).
 *
 * @param what what the id is, for the message (e.g. "bannedTokenIds[3]").
 * @throws {SamplingInputError} when it does not.
 */
export function checkTokenId(what: string, id: number, vocabSize: number): void {
  if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
    throw new SamplingInputError(
      `Cannot use token id as '${what}' must be an integer in [0, ${vocabSize}): current value is ${id}`,
    );
  }
}

/** Copies `logits` into `out` unless they are the same buffer (the in-place case). */
export function copyIfDistinct(logits: Float32Array, out: Float32Array): void {
  if (out !== logits) out.set(logits);
}

/**
 * Checks that a scratch buffer can hold `n` values.
 *
 * @param stage the processor's name, for the message.
 * @param name the parameter's name, for the message.
 * @throws {SamplingInputError} when `buffer.length < n`.
 */
export function checkScratch(stage: string, name: string, buffer: Float32Array, n: number): void {
  if (buffer.length < n) {
    throw new SamplingInputError(
      `Cannot apply ${stage} as '${name}' must hold at least ${n} values: current value is ${buffer.length}`,
    );
  }
}
