/**
 * Drawing the next token: greedy argmax at temperature 0, otherwise a categorical draw from
 * softmax(logits) with an injected seeded {@link Rng}.
 *
 * @module
 */
import { NoSamplableTokenError, SamplingInputError } from "./errors.ts";
import { LogitsPipeline, type LogitsPipelineOptions } from "./logits_pipeline.ts";
import type { Rng } from "./rng.ts";
import { expShiftedInto } from "./softmax.ts";
import type { TokenHistory } from "./token_history.ts";

/**
 * The id of the largest logit; ties go to the lowest id. NaN is never picked.
 *
 * @param logits one row of logits. Shape `[vocab]`.
 * @throws {NoSamplableTokenError} when no logit is above -Infinity (every token banned).
 *
 * @example
 * ```ts
 * argmax(Float32Array.of(1, 5, 5)); // 1
 * ```
 */
export function argmax(logits: Float32Array): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    if (logits[i]! > bestValue) {
      bestValue = logits[i]!;
      best = i;
    }
  }
  if (best < 0) {
    throw new NoSamplableTokenError(
      `Cannot sample a token as 'logits' must hold a value above -Infinity: current value has none of ${logits.length}`,
    );
  }
  return best;
}

/**
 * Draws an index with probability `weights[i] / total` (inverse CDF, one `rng.next()`).
 * Indices with weight <= 0 are never drawn. Use it for any non-negative, unnormalized
 * distribution, e.g. speculative decoding's residual `max(0, p - q)`. O(vocab), no allocation.
 *
 * @param weights non-negative weights. Shape `[vocab]`.
 * @param rng the row's generator.
 * @param total `sum(weights)` when already known; summed here otherwise.
 * @throws {NoSamplableTokenError} when the total weight is not a positive finite number.
 *
 * @example
 * ```ts
 * sampleFromWeights(Float32Array.of(0, 3, 1), createRng(1)); // 1 with prob 3/4, 2 with 1/4
 * ```
 */
export function sampleFromWeights(weights: ArrayLike<number>, rng: Rng, total?: number): number {
  let sum = total;
  if (sum === undefined) {
    sum = 0;
    for (let i = 0; i < weights.length; i++) if (weights[i]! > 0) sum += weights[i]!;
  }
  if (!(sum > 0) || !Number.isFinite(sum)) {
    throw new NoSamplableTokenError(
      `Cannot sample a token as 'weights' must have a positive finite total: current value is ${sum}`,
    );
  }
  const u = rng.next() * sum;
  let cumulative = 0;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (w > 0) {
      cumulative += w;
      last = i;
      if (cumulative > u) return i;
    }
  }
  return last; // float rounding left u at the very top: the last positive weight
}

/**
 * Draws a token from `softmax(logits)`: writes `exp(logit - max)` into the `weights` scratch,
 * then draws from it. -Infinity logits are never drawn. O(vocab), no allocation.
 *
 * @param logits one processed row of logits. Shape `[vocab]`.
 * @param rng the row's generator.
 * @param weights scratch, overwritten. Shape `[vocab]`.
 * @throws {NoSamplableTokenError} when every logit is -Infinity or NaN.
 */
export function sampleFromLogits(logits: Float32Array, rng: Rng, weights: Float32Array): number {
  if (weights.length !== logits.length) {
    throw new SamplingInputError(
      `Cannot sample a token as 'weights' must have the length of 'logits' (${logits.length}): current value is ${weights.length}`,
    );
  }
  const total = expShiftedInto(logits, weights);
  if (!(total > 0)) {
    throw new NoSamplableTokenError(
      `Cannot sample a token as 'logits' must hold a value above -Infinity: current value has none of ${logits.length}`,
    );
  }
  return sampleFromWeights(weights, rng, total);
}

/**
 * One request's sampler: its {@link LogitsPipeline} plus the draw. Build one per request (rows
 * of the same request may share it, one call at a time); give each row its own `Rng` and
 * `TokenHistory`.
 *
 * Memory: `processed` and a weights scratch, both `Float32Array(vocab)`, allocated once and
 * reused by every `sample` call, which allocates nothing.
 *
 * @example
 * ```ts
 * const sampler = new Sampler({ vocabSize, params: parseSamplingParams(request) });
 * const rng = createRng(request.seed ?? 0, row);
 * const token = sampler.sample(logitsRow, rng, history);
 * ```
 */
export class Sampler {
  /** The processors this sampler runs before drawing. */
  readonly pipeline: LogitsPipeline;
  /**
   * The processed logits of the last `sample` call (overwritten by the next one), e.g. for
   * reporting the log-probability of the drawn token under the sampling distribution.
   * Shape `[vocab]`.
   */
  readonly processed: Float32Array;
  /** Scratch for the softmax weights. Shape `[vocab]`. */
  readonly #weights: Float32Array;

  /** @param options vocabulary size, parsed parameters and banned ids. */
  constructor(options: LogitsPipelineOptions) {
    this.pipeline = new LogitsPipeline(options);
    this.processed = new Float32Array(options.vocabSize);
    this.#weights = new Float32Array(options.vocabSize);
  }

  /**
   * Processes one row of logits and draws its next token: the argmax (lowest id on ties) when
   * temperature is 0, otherwise a draw from softmax of the processed logits.
   *
   * @param logits the model's logits for the row's next token (not modified). Shape `[vocab]`.
   * @param rng the row's generator (not used when greedy).
   * @param history the ids the row has seen; required when `repetition_penalty` is not 1.
   * @returns the token id.
   * @throws {NoSamplableTokenError} when every token is banned or filtered out.
   */
  sample(logits: Float32Array, rng: Rng, history?: TokenHistory): number {
    const processed = this.pipeline.process(logits, this.processed, history);
    return this.pipeline.greedy
      ? argmax(processed)
      : sampleFromLogits(processed, rng, this.#weights);
  }
}
