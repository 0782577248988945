/**
 * Error classes thrown by the model forge. Each carries a `name` so callers (and worker
 * transports) can tell them apart after serialization.
 *
 * @module
 */

/** A model config (config.json) failed validation. */
export class ModelConfigError extends Error {
  override name = "ModelConfigError";
}

/** A safetensors file is malformed or uses an unsupported dtype. */
export class SafetensorsError extends Error {
  override name = "SafetensorsError";
}

/** A weight set does not match the model config (missing tensor, wrong shape). */
export class WeightsError extends Error {
  override name = "WeightsError";
}

/** The tokenizer trainer was given impossible settings. */
export class TokenizerTrainingError extends Error {
  override name = "TokenizerTrainingError";
}

/** Command-line flags of `deno task forge` are invalid. */
export class ForgeUsageError extends Error {
  override name = "ForgeUsageError";
}
