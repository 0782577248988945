/**
 * Turns any failure into a message a person can act on: what went wrong, in plain words, and
 * the recovery actions that fit it. Pure (no DOM), so the mapping is testable in Deno.
 *
 * @module
 */

import { findQuotaError } from "../../engine/loader/dexie_cache.ts";

/** The kinds of failure the page tells apart. */
export type FailureKind =
  | "model-load"
  | "quota"
  | "edge-unreachable"
  | "device-lost"
  | "context-overflow"
  | "adapter"
  | "worker"
  | "other";

/** A recovery action the page knows how to run. */
export type RecoveryAction =
  | "retry-load"
  | "load-default"
  | "load-without-cache"
  | "open-models"
  | "restart-wasm"
  | "restart-webgpu"
  | "pipelines-off"
  | "retry-send"
  | "adapter-off"
  | "dismiss";

/** A failure, explained. */
export interface Failure {
  readonly kind: FailureKind;
  readonly title: string;
  /** The original error's name and message, shown as detail. */
  readonly detail: string;
  readonly actions: readonly { readonly action: RecoveryAction; readonly label: string }[];
}

const DEVICE_LOST = /device (was |is )?lost|lost the device|GPUDevice.*(lost|destroyed)/i;

/** Where the failure happened: loading a model or answering a message. */
export type FailureContext = "load" | "chat";

/**
 * Explain an error.
 *
 * @example
 * ```ts
 * explainFailure({ name: "StorageQuotaError", message: "..." }, "load").kind; // "quota"
 * ```
 */
export function explainFailure(
  err: { readonly name: string; readonly message: string },
  context: FailureContext,
): Failure {
  const detail = `${err.name}: ${err.message}`;
  // Dexie wraps IndexedDB's QuotaExceededError (e.g. saving a conversation) in an AbortError.
  if (err.name === "StorageQuotaError" || findQuotaError(err) !== undefined) {
    return {
      kind: "quota",
      title: context === "load"
        ? "Browser storage is full: the model could not be cached."
        : "Browser storage is full: free space by deleting cached models or conversations.",
      detail,
      actions: [
        { action: "open-models", label: "Delete cached models" },
        { action: "load-without-cache", label: "Load without caching" },
      ],
    };
  }
  // The engine names a loss DeviceLostError; the pattern catches losses reported otherwise.
  if (err.name === "DeviceLostError" || DEVICE_LOST.test(err.message)) {
    return {
      kind: "device-lost",
      title:
        "The WebGPU device was lost (GPU crash, driver reset or GPU busy): restart the engine on a new device, or continue on the CPU.",
      detail,
      actions: [
        { action: "restart-webgpu", label: "Restart on WebGPU" },
        { action: "restart-wasm", label: "Continue on wasm (CPU)" },
      ],
    };
  }
  if (err.name === "EdgeUnreachableError" || err.name === "PipelineHttpError") {
    return {
      kind: "edge-unreachable",
      title: "The Verity server (edge functions) cannot be reached, so pipelines cannot run.",
      detail,
      actions: [
        { action: "retry-send", label: "Try again" },
        { action: "pipelines-off", label: "Answer without pipelines" },
      ],
    };
  }
  if (context === "chat" && (err.name === "AdapterError" || err.name === "AdapterNotFoundError")) {
    return {
      kind: "adapter",
      title: "The conversation's adapter cannot be used with this model.",
      detail,
      actions: [
        { action: "adapter-off", label: "Answer with the base model" },
        { action: "dismiss", label: "Dismiss" },
      ],
    };
  }
  if (err.name === "ContextOverflowError") {
    return {
      kind: "context-overflow",
      title: "The message does not fit the model's context window.",
      detail,
      actions: [{ action: "dismiss", label: "OK" }],
    };
  }
  if (err.name === "EngineStateError" && /worker/.test(err.message)) {
    return {
      kind: "worker",
      title: "The engine worker could not start or stopped.",
      detail,
      actions: [{ action: "retry-load", label: "Retry" }],
    };
  }
  if (
    context === "load" ||
    err.name === "ModelLoadError" || err.name === "ModelMismatchError"
  ) {
    return {
      kind: "model-load",
      title: "The model could not be loaded.",
      detail,
      actions: [
        { action: "retry-load", label: "Retry" },
        { action: "load-default", label: "Load the default model" },
        { action: "open-models", label: "Choose another model" },
      ],
    };
  }
  return {
    kind: "other",
    title: "Something went wrong while answering.",
    detail,
    actions: [
      { action: "retry-send", label: "Try again" },
      { action: "dismiss", label: "Dismiss" },
    ],
  };
}
