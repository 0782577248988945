/**
 * Typed engine errors. Each keeps a distinct `name` so the worker transport can rebuild it
 * on the other side of `postMessage` (see worker/errors_wire.ts).
 *
 * @module
 */

/** A model folder could not be read: a file is missing, unreadable or malformed. */
export class ModelLoadError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ModelLoadError";
  }
}

/** The ONNX graph does not match what config.json says (inputs, outputs, layer count). */
export class ModelMismatchError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ModelMismatchError";
  }
}

/** The browser refused to store a model file (quota exhausted). */
export class StorageQuotaError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StorageQuotaError";
  }
}

/** A request is invalid: bad sampling parameters, empty messages, prompt over the context. */
export class InvalidRequestError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidRequestError";
  }
}

/** The prompt (plus max_tokens) does not fit the model's context window. */
export class ContextOverflowError extends InvalidRequestError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ContextOverflowError";
  }
}

/** Generation was stopped by an AbortSignal. */
export class GenerationAbortedError extends Error {
  constructor(message = "Generation was aborted", options?: ErrorOptions) {
    super(message, options);
    this.name = "GenerationAbortedError";
  }
}

/** The engine was disposed or is not loaded. */
export class EngineStateError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EngineStateError";
  }
}

/**
 * A LoRA adapter cannot be served: its files are malformed, or it does not fit the base model
 * (DoRA, embedding adapters, a rank over r_max, unknown modules, wrong shapes), or the model has
 * no LoRA slot inputs.
 */
export class AdapterError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AdapterError";
  }
}

/**
 * The WebGPU device onnxruntime runs on was lost (GPU process crash, driver reset, `destroy()`).
 * The engine cannot run again: requests fail with this at once; load a fresh engine.
 */
export class DeviceLostError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DeviceLostError";
  }
}

/** Constructors by name, used to rebuild errors after structured cloning. */
export const ENGINE_ERRORS: Readonly<Record<string, new (message: string) => Error>> = {
  ModelLoadError,
  ModelMismatchError,
  StorageQuotaError,
  InvalidRequestError,
  ContextOverflowError,
  GenerationAbortedError,
  EngineStateError,
  AdapterError,
  DeviceLostError,
  TypeError,
  RangeError,
  Error,
};
