/**
 * Temperature scaling of logits.
 *
 * @module
 */
import { checkRowBuffers } from "./buffers.ts";
import { SamplingInputError } from "./errors.ts";

/**
 * Divides one row of logits by `temperature`, after shifting them so the largest is 0:
 * `out[i] = (logits[i] - max) / temperature`. The shift changes no probability (softmax is
 * shift-invariant, and top-k, top-p and min-p compare within the row), but it keeps a tiny
 * temperature from overflowing the top logits to +Infinity, so a temperature near 0 still
 * samples the argmax. Temperature 0 (greedy) is the sampler's job, not this function's.
 *
 * Banned tokens (-Infinity) stay -Infinity. O(vocab), no allocation.
 *
 * @param logits one row of logits. Shape `[vocab]`.
 * @param out where the result goes; may be `logits` itself. Shape `[vocab]`.
 * @param temperature > 0.
 * @returns `out`.
 * @throws {SamplingInputError} when `temperature` is not a finite number > 0.
 *
 * @example
 * ```ts
 * applyTemperature(new Float32Array([1, 3]), out, 0.5); // out = [-4, 0]
 * ```
 */
export function applyTemperature(
  logits: Float32Array,
  out: Float32Array,
  temperature: number,
): Float32Array {
  checkRowBuffers("temperature", logits, out);
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new SamplingInputError(
      `Cannot apply temperature as 'temperature' must be a finite number greater than 0: current value is ${temperature}`,
    );
  }
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  if (max === -Infinity) {
    out.set(logits); // every token is banned: nothing to scale
    return out;
  }
  if (max === Infinity) {
    // A model overflow: the infinite logits share all the mass.
    for (let i = 0; i < logits.length; i++) out[i] = logits[i] === Infinity ? 0 : -Infinity;
    return out;
  }
  for (let i = 0; i < logits.length; i++) out[i] = (logits[i]! - max) / temperature;
  return out;
}
