/**
 * Typed errors of the sampling stages. Each one sets `name`, so the worker transport can
 * rebuild it on the other side of `postMessage`.
 *
 * @module
 */

/**
 * Thrown by {@link parseSamplingParams} when a sampling parameter breaks its rule.
 *
 * @example
 * ```ts
 * try { parseSamplingParams({ temperature: 3 }); } catch (e) {
 *   // e.name === "InvalidSamplingParamsError"
 *   // e.message === "Cannot sample as 'temperature' must be at most 2: current value is 3"
 * }
 * ```
 */
export class InvalidSamplingParamsError extends Error {
  /** The field paths that failed, in the order of `message` (e.g. `["temperature"]`). */
  readonly fields: readonly string[];

  /** @param message full message; @param fields the failing fields; @param options cause */
  constructor(message: string, fields: readonly string[], options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidSamplingParamsError";
    this.fields = fields;
  }
}

/**
 * Thrown when a low-level sampling function gets an argument it cannot work with: a token id
 * outside the vocabulary, an output buffer shorter than the logits, a non-positive temperature
 * handed to the temperature processor, or a token pushed to a row that has finished.
 */
export class SamplingInputError extends Error {
  /** @param message full message in the house style; @param options cause */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SamplingInputError";
  }
}

/**
 * Thrown by the samplers when no token has a positive probability, e.g. every token id of the
 * row was banned, or the logits hold NaN.
 */
export class NoSamplableTokenError extends Error {
  /** @param message full message in the house style; @param options cause */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NoSamplableTokenError";
  }
}
